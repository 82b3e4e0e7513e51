import type { MatrixEvent, NotificationCountType, Room, RoomMember } from "matrix-js-sdk";
import { FORWARDS, sdkValue } from "../../matrix/sdkValues";
import { botUserIdFor } from "../../matrix/xstreamBot";

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

/** The room ids that `m.direct` account data lists, whoever they are with. */
export function directRoomIds(content: unknown): Set<string> {
  const ids = new Set<string>();
  if (typeof content !== "object" || content === null) return ids;
  for (const rooms of Object.values(content)) {
    if (!Array.isArray(rooms)) continue;
    for (const roomId of rooms) if (typeof roomId === "string") ids.add(roomId);
  }
  return ids;
}

/** Up to two initials: "Ana Lima" → "AL", "#study-group" → "S", "" → "?". */
export function initialsOf(name: string): string {
  const words = name
    .replace(/^[#@!+]/, "")
    .split(/[\s\-_.:]+/)
    .filter((word) => word !== "");
  const letters = words.slice(0, 2).map((word) => {
    // Segmenting keeps an emoji or an accented letter whole.
    const [first = ""] = Array.from(new Intl.Segmenter().segment(word), (s) => s.segment);
    return first.toLocaleUpperCase();
  });
  return letters.join("") || "?";
}

/** "Ana", "Ana, 2 unread", "Ana, 3 unread, 1 mention". */
export function roomLabel(name: string, unread: number, mentions: number): string {
  const parts = [name];
  if (unread > 0) parts.push(`${unread} unread`);
  if (mentions > 0) parts.push(`${mentions} ${mentions === 1 ? "mention" : "mentions"}`);
  return parts.join(", ");
}

function isPresent(member: RoomMember): boolean {
  return member.membership === "join" || member.membership === "invite";
}

function explicitName(room: Room): string | null {
  const event = room.getLiveTimeline().getState(FORWARDS)?.getStateEvents("m.room.name", "");
  const name = event?.getContent<{ name?: unknown }>().name;
  return typeof name === "string" && name.trim() !== "" ? name.trim() : null;
}

/**
 * The partner in a room without a name of its own: the only other person in it, or, in a room
 * someone else set up for two people (the Xstream bot creates partner rooms and stays in them),
 * the only one who is neither me nor its creator.
 */
function partnerIn(room: Room, myUserId: string): RoomMember | undefined {
  const others = room.getMembers().filter((m) => isPresent(m) && m.userId !== myUserId);
  if (others.length === 1) return others[0];
  const creator = room.getCreator();
  if (creator === myUserId) return undefined;
  const invited = others.filter((member) => member.userId !== creator);
  return invited.length === 1 ? invited[0] : undefined;
}

/** The room's own picture, else (one-to-one rooms) the partner's. */
function avatarOf(room: Room, myUserId: string, direct: boolean): string | null {
  const own = room.getMxcAvatarUrl();
  if (own) return own;
  return (direct ? partnerIn(room, myUserId)?.getMxcAvatarUrl() : null) ?? null;
}

/**
 * The partner's name in a partner room (the bot names it after both, for Element), else the
 * room's own name, else (one-to-one rooms) the partner's, else what the SDK computed.
 */
function displayName(room: Room, myUserId: string, direct: boolean): string {
  const partner = direct ? partnerIn(room, myUserId) : undefined;
  if (partner?.name && room.getCreator() === botUserIdFor(myUserId)) return partner.name;
  const own = explicitName(room);
  if (own) return own;
  return partner?.name || room.name || room.roomId;
}

/**
 * Direct when `m.direct` lists it, when the invite that brought the person in was marked
 * `is_direct` (as the Xstream bot's partner rooms are), or when it is an unnamed room of two.
 */
function isDirect(room: Room, myUserId: string, direct: ReadonlySet<string>): boolean {
  if (direct.has(room.roomId) || room.getDMInviter() !== undefined) return true;
  const present = room.getMembers().filter(isPresent);
  return present.length === 2 && present.some((m) => m.userId === myUserId) && !explicitName(room);
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

/** The preview line for an event, or null if the event is not one a preview shows. */
export function previewOf(event: MatrixEvent, room: Room, myUserId: string): string | null {
  const type = event.getType();
  if (type === "m.room.encrypted") return "Encrypted message";
  if (type !== "m.room.message" && type !== "m.sticker") return null;
  if (event.isRedacted()) return "Message deleted";
  const content = event.getContent();
  // An edit changes an earlier message (which the SDK already shows edited); not news.
  if (content["m.relates_to"]?.rel_type === "m.replace") return null;
  const sender = senderName(event, room, myUserId);
  if (type === "m.sticker") return `${sender} sent a sticker`;
  const msgtype = typeof content.msgtype === "string" ? content.msgtype : "";
  if (msgtype === "m.audio" && content["org.matrix.msc3245.voice"] !== undefined) {
    return `${sender} sent a voice message`;
  }
  const media = MEDIA_PREVIEWS[msgtype];
  if (media) return `${sender} ${media}`;
  if (typeof content.body !== "string") return null;
  // One line: the list shows the start of the message only.
  const body = content.body.replace(/\s+/g, " ").trim();
  if (msgtype === "m.emote") return `* ${sender} ${body}`;
  return `${sender}: ${body}`;
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
  const name = displayName(room, myUserId, isDirectRoom);
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
  const name = displayName(room, myUserId, isDirectRoom);
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
