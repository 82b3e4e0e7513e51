/*
 * The rooms of the sliding sync preview (matrix/slidingPreview.ts) as the room list shows them,
 * so that the list painted before the SDK has synced is the one it then paints: the same rules
 * as `summarizeRoom` and `roomName` (partner names, direct rooms, the latest message, the order),
 * applied to the answer's plain data instead of the SDK's rooms. Unread counts are the
 * server's, which Synapse leaves at 0 under sliding sync: the SDK counts them once it has
 * synced (see matrix/slidingUnread.ts).
 */
import { initialsOf } from "../../matrix/roomNaming";
import type { ListPreview, PreviewMember, PreviewRoom } from "../../matrix/slidingPreview";
import { botUserIdFor } from "../../matrix/xstreamBot";
import type { CachedRoomList } from "./cachedRoomList";
import {
  byActivity,
  type InviteEntry,
  previewLine,
  type RoomListEntry,
  roomLabel,
} from "./roomSummary";

/** What the Chats page shows from a preview: the cached list's shape, with invites. */
export type PreviewRoomList = CachedRoomList & { invites: InviteEntry[] };

const isPresent = (member: PreviewMember) =>
  member.membership === "join" || member.membership === "invite";

/** Characters that turn text around, which the SDK strips from display names. */
const DIRECTION_OVERRIDES = /[\u202D\u202E]/g;
/** Something like a Matrix ID inside a name, or direction marks: shown with the ID. */
const LOOKS_LIKE_ID = /@.+:.+/;
const DIRECTION_MARKS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** Zero-width and other invisible characters, as the SDK ignores them to compare names. */
const HIDDEN = /[\u200B-\u200D\u2060\uFEFF\u00AD\s]/g;

/**
 * A member's name as the SDK's `RoomMember.name` gives it: the display name, or the user ID when
 * there is none, with the ID after names that could pass for someone else's.
 */
function memberName(member: PreviewMember, present: PreviewMember[]): string {
  const shown = member.displayName;
  if (!shown || shown === member.userId || shown.replace(HIDDEN, "") === "") return member.userId;
  const clash = present.some(
    (other) => other.userId !== member.userId && other.displayName === shown,
  );
  const stripped = shown.replace(DIRECTION_OVERRIDES, "");
  if (LOOKS_LIKE_ID.test(shown) || DIRECTION_MARKS.test(shown) || clash) {
    return `${stripped} (${member.userId})`;
  }
  return stripped;
}

/** The partner in a one-to-one room, as `partnerIn` in matrix/roomNaming.ts finds them. */
function partnerIn(room: PreviewRoom, me: string): PreviewMember | undefined {
  const others = room.members.filter((m) => isPresent(m) && m.userId !== me);
  if (others.length === 1) return others[0];
  if (room.creator === me) return undefined;
  const invited = others.filter((m) => m.userId !== room.creator);
  return invited.length === 1 ? invited[0] : undefined;
}

function isDirect(room: PreviewRoom, me: string): boolean {
  const mine = room.members.find((m) => m.userId === me);
  if (room.isDm || mine?.directInvite) return true;
  const present = room.members.filter(isPresent);
  return present.length === 2 && present.some((m) => m.userId === me) && room.name === null;
}

/** The SDK's name for a room without one: its heroes ("Ana and Ben", "Ana and 3 others"). */
function generatedName(room: PreviewRoom, me: string, present: PreviewMember[]): string | null {
  const others = (room.joinedCount ?? 0) + (room.invitedCount ?? 0) - 1;
  if (others <= 0) return null;
  const names = room.heroes
    .filter((hero) => hero.userId !== me)
    .map((hero) => {
      if (hero.displayName) return hero.displayName;
      const member = present.find((m) => m.userId === hero.userId);
      return member ? memberName(member, present) : hero.userId;
    });
  const beyond = others - 1;
  if (names.length === 0) return null;
  if (names.length === 1 && beyond <= 1) return names[0] ?? null;
  if (names.length === 2 && beyond <= 2) return `${names[0]} and ${names[1]}`;
  return beyond > 1 ? `${names[0]} and ${beyond} others` : `${names[0]} and 1 other`;
}

function nameOf(
  room: PreviewRoom,
  me: string,
  partner: PreviewMember | undefined,
  present: PreviewMember[],
) {
  const partnerName = partner ? memberName(partner, present) : null;
  if (partnerName && room.creator !== null && room.creator === botUserIdFor(me)) {
    return partnerName;
  }
  if (room.name) return room.name;
  return partnerName || generatedName(room, me, present) || room.roomId;
}

function entryOf(room: PreviewRoom, me: string): RoomListEntry {
  const present = room.members.filter(isPresent);
  const direct = isDirect(room, me);
  const partner = direct ? partnerIn(room, me) : undefined;
  const name = nameOf(room, me, partner, present);
  const senderName = (userId: string) => () => {
    if (userId === me) return "You";
    const member = room.members.find((m) => m.userId === userId);
    return member ? memberName(member, present) : userId;
  };
  let preview: string | null = null;
  let previewAt: number | null = null;
  for (let index = room.timeline.length - 1; index >= 0 && preview === null; index--) {
    const event = room.timeline[index];
    if (!event) continue;
    preview = previewLine(event, senderName(event.sender));
    if (preview !== null) previewAt = event.ts;
  }
  const last = room.timeline.at(-1)?.ts ?? null;
  const unread = room.notificationCount;
  const mentions = room.highlightCount;
  return {
    roomId: room.roomId,
    name,
    initials: initialsOf(name),
    avatarUrl: room.avatarUrl ?? partner?.avatarUrl ?? null,
    direct,
    preview,
    lastActivity: previewAt ?? (last !== null && last > 0 ? last : null),
    unread,
    mentions,
    label: roomLabel(name, unread, mentions),
  };
}

function inviteOf(room: PreviewRoom, me: string): InviteEntry {
  const present = room.members.filter(isPresent);
  const mine = room.members.find((m) => m.userId === me);
  const direct = room.isDm || mine?.directInvite === true;
  const partner = direct ? partnerIn(room, me) : undefined;
  const name = nameOf(room, me, partner, present);
  const inviterId = mine?.sender ?? null;
  const inviter = inviterId ? room.members.find((m) => m.userId === inviterId) : undefined;
  return {
    roomId: room.roomId,
    name,
    initials: initialsOf(name),
    avatarUrl: room.avatarUrl ?? partner?.avatarUrl ?? null,
    direct,
    inviterId,
    inviterName: inviter ? memberName(inviter, present) : inviterId,
    lastActivity: null,
  };
}

/** The preview's rooms as list rows, in the order the room list sorts them. */
export function previewRoomList(preview: ListPreview): PreviewRoomList {
  const me = preview.userId;
  const joined = preview.rooms
    .filter((room) => room.membership === "join")
    .map((room) => entryOf(room, me))
    .sort(byActivity);
  return {
    invites: preview.rooms
      .filter((room) => room.membership === "invite")
      .map((room) => inviteOf(room, me))
      .sort(byActivity),
    direct: joined.filter((room) => room.direct),
    groups: joined.filter((room) => !room.direct),
    total: preview.count,
  };
}
