import type { MatrixEvent, NotificationCountType, Room } from "matrix-js-sdk";
import {
  explicitRoomName,
  initialsOf,
  isPresent,
  partnerIn,
  roomName,
} from "../../matrix/roomNaming";
import { sdkValue } from "../../matrix/sdkValues";

/** A room the person has joined, as the room list shows it. */
export type RoomListEntry = {
  roomId: string;
  name: string;
  /** Up to two letters for the avatar. */
  initials: string;
  /** The room's `mxc://` picture (a direct room's: the partner's), if there is one. */
  avatarUrl: string | null;
  direct: boolean;
  /** The latest message in a line, e.g. "Ana: see you tomorrow"; null when there is none. */
  preview: string | null;
  /** When the room last saw activity (ms since the epoch); null for an empty timeline. */
  lastActivity: number | null;
  unread: number;
  /** Unread messages that mention the person (highlights). */
  mentions: number;
  /** What a screen reader says for the room's link, e.g. "Ana, 2 unread, 1 mention". */
  label: string;
};

/** A room the person is invited to. */
export type InviteEntry = {
  roomId: string;
  name: string;
  initials: string;
  avatarUrl: string | null;
  direct: boolean;
  inviterId: string | null;
  inviterName: string | null;
  lastActivity: number | null;
};

const TOTAL = sdkValue<NotificationCountType.Total>("total");
const HIGHLIGHT = sdkValue<NotificationCountType.Highlight>("highlight");

/** "Ana", "Ana, 2 unread", "Ana, 3 unread, 1 mention". */
export function roomLabel(name: string, unread: number, mentions: number): string {
  const parts = [name];
  if (unread > 0) parts.push(`${unread} unread`);
  if (mentions > 0) parts.push(`${mentions} ${mentions === 1 ? "mention" : "mentions"}`);
  return parts.join(", ");
}

/** The room's own picture, else (one-to-one rooms) the partner's. */
function avatarOf(room: Room, myUserId: string, direct: boolean): string | null {
  const own = room.getMxcAvatarUrl();
  if (own) return own;
  return (direct ? partnerIn(room, myUserId)?.getMxcAvatarUrl() : null) ?? null;
}

/**
 * Direct when `m.direct` lists it, when the invite that brought the person in was marked
 * `is_direct` (as the Xstream bot's partner rooms are), or when it is an unnamed room of two.
 */
function isDirect(room: Room, myUserId: string, direct: ReadonlySet<string>): boolean {
  if (direct.has(room.roomId) || room.getDMInviter() !== undefined) return true;
  const present = room.getMembers().filter(isPresent);
  return (
    present.length === 2 && present.some((m) => m.userId === myUserId) && !explicitRoomName(room)
  );
}

const MEDIA_PREVIEWS: Record<string, string> = {
  "m.image": "sent an image",
  "m.video": "sent a video",
  "m.audio": "sent an audio file",
  "m.file": "sent a file",
  "m.location": "shared a location",
};

function senderName(event: MatrixEvent, room: Room, myUserId: string): string {
  const senderId = event.getSender() ?? "";
  if (senderId === myUserId) return "You";
  return event.sender?.name || room.getMember(senderId)?.name || senderId;
}

/** What a preview line needs of an event, from the SDK or from a sliding sync answer. */
export type PreviewableEvent = {
  type: string;
  redacted: boolean;
  msgtype: string | null;
  body: string | null;
  /** An edit of an earlier message (`m.replace`). */
  edit: boolean;
  voice: boolean;
};

/**
 * The preview line for an event, or null if the event is not one a preview shows. `sender`
 * names who sent it, asked only when the line needs it.
 */
export function previewLine(event: PreviewableEvent, sender: () => string): string | null {
  if (event.type === "m.room.encrypted") return "Encrypted message";
  if (event.type !== "m.room.message" && event.type !== "m.sticker") return null;
  if (event.redacted) return "Message deleted";
  // An edit changes an earlier message (which the SDK already shows edited); not news.
  if (event.edit) return null;
  if (event.type === "m.sticker") return `${sender()} sent a sticker`;
  const msgtype = event.msgtype ?? "";
  if (msgtype === "m.audio" && event.voice) return `${sender()} sent a voice message`;
  // Own keys only: a msgtype of "constructor" is someone's message, not Object's.
  const media = Object.hasOwn(MEDIA_PREVIEWS, msgtype) ? MEDIA_PREVIEWS[msgtype] : undefined;
  if (media) return `${sender()} ${media}`;
  if (event.body === null) return null;
  // One line: the list shows the start of the message only.
  const body = event.body.replace(/\s+/g, " ").trim();
  if (msgtype === "m.emote") return `* ${sender()} ${body}`;
  return `${sender()}: ${body}`;
}

/** The preview line for an event, or null if the event is not one a preview shows. */
export function previewOf(event: MatrixEvent, room: Room, myUserId: string): string | null {
  const content = event.getContent();
  return previewLine(
    {
      type: event.getType(),
      redacted: event.isRedacted(),
      msgtype: typeof content.msgtype === "string" ? content.msgtype : null,
      body: typeof content.body === "string" ? content.body : null,
      edit: content["m.relates_to"]?.rel_type === "m.replace",
      voice: content["org.matrix.msc3245.voice"] !== undefined,
    },
    () => senderName(event, room, myUserId),
  );
}

/** The latest event a preview shows, with its preview. */
function latestPreview(
  room: Room,
  myUserId: string,
): { text: string; timestamp: number } | undefined {
  const events = room.getLiveTimeline().getEvents();
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (!event) continue;
    const text = previewOf(event, room, myUserId);
    if (text !== null) return { text, timestamp: event.getTs() };
  }
  return undefined;
}

function lastActiveTimestamp(room: Room): number | null {
  const timestamp = room.getLastActiveTimestamp();
  return timestamp > 0 ? timestamp : null;
}

/** How a joined room appears in the list. */
export function summarizeRoom(
  room: Room,
  myUserId: string,
  direct: ReadonlySet<string>,
): RoomListEntry {
  const isDirectRoom = isDirect(room, myUserId, direct);
  const name = roomName(room, myUserId, isDirectRoom);
  const latest = latestPreview(room, myUserId);
  const unread = room.getUnreadNotificationCount(TOTAL);
  const mentions = room.getUnreadNotificationCount(HIGHLIGHT);
  return {
    roomId: room.roomId,
    name,
    initials: initialsOf(name),
    avatarUrl: avatarOf(room, myUserId, isDirectRoom),
    direct: isDirectRoom,
    preview: latest?.text ?? null,
    // Sorted by the latest message; a room without one by its latest event (creation, joining).
    lastActivity: latest?.timestamp ?? lastActiveTimestamp(room),
    unread,
    mentions,
    label: roomLabel(name, unread, mentions),
  };
}

/** How an invite appears in the list. */
export function summarizeInvite(
  room: Room,
  myUserId: string,
  direct: ReadonlySet<string>,
): InviteEntry {
  const dmInviter = room.getDMInviter();
  const inviterId = dmInviter ?? room.getMember(myUserId)?.events.member?.getSender() ?? null;
  const isDirectRoom = dmInviter !== undefined || direct.has(room.roomId);
  const name = roomName(room, myUserId, isDirectRoom);
  return {
    roomId: room.roomId,
    name,
    initials: initialsOf(name),
    avatarUrl: avatarOf(room, myUserId, isDirectRoom),
    direct: isDirectRoom,
    inviterId,
    inviterName: inviterId ? room.getMember(inviterId)?.name || inviterId : null,
    lastActivity: lastActiveTimestamp(room),
  };
}

/** Latest activity first; rooms that never saw any last, by name. */
export function byActivity(
  a: { lastActivity: number | null; name: string },
  b: { lastActivity: number | null; name: string },
): number {
  return (b.lastActivity ?? 0) - (a.lastActivity ?? 0) || a.name.localeCompare(b.name);
}

function folded(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/** Whether a room's name matches the filter: any part of it, ignoring case and accents. */
export function matchesFilter(name: string, filter: string): boolean {
  const wanted = folded(filter.trim());
  return wanted === "" || folded(name).includes(wanted);
}
