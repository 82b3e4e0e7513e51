/**
 * Whether a new event becomes a browser notification, and what it says. The learner's push rules
 * decide whether it notifies at all (the SDK evaluates them: mutes, mentions-only, the master
 * switch, Synapse's defaults for notices and edits); this adds what only the page knows.
 */

/** What the page knows about where the learner is looking. */
export type Attention = {
  /** The tab is visible and its window has the focus. */
  looking: boolean;
  /** The room whose page is open, if any. */
  openRoomId: string | null;
};

export type MessageFacts = {
  roomId: string;
  sender: string;
  myUserId: string;
  /** Whether the push rules' actions for the event include `notify` (null: none matched). */
  pushNotify: boolean | null;
  attention: Attention;
};

/** Notify for a partner's event the rules say notifies, unless the learner is reading that room. */
export function shouldNotifyMessage(facts: MessageFacts): boolean {
  if (facts.sender === facts.myUserId) return false;
  if (facts.pushNotify !== true) return false;
  return !(facts.attention.looking && facts.attention.openRoomId === facts.roomId);
}

/** A ring shows as a notification only while the learner is not looking at the page. */
export function shouldNotifyRing(attention: Attention, roomMuted: boolean): boolean {
  return !attention.looking && !roomMuted;
}

/** Longer message bodies are cut: a notification is a hint, not the message. */
export const BODY_LIMIT = 160;
/** Names past this are cut too, so a hostile display name cannot fill the screen. */
export const NAME_LIMIT = 64;

function clip(text: string, limit: number): string {
  // By code points, so a cut never splits a surrogate pair.
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat.slice(0, limit * 2 + 2));
  return chars.length > limit ? `${chars.slice(0, limit - 1).join("")}…` : chars.join("");
}

export type MessageSummary = {
  senderName: string;
  roomName: string;
  direct: boolean;
  /** The event type and content as received (decrypted when it could be). */
  type: string;
  content: Record<string, unknown>;
};

const MEDIA: Record<string, string> = {
  "m.image": "sent an image",
  "m.file": "sent a file",
  "m.video": "sent a video",
  "m.audio": "sent a voice message",
};

/** The notification's title and text for a message. */
export function describeMessage(message: MessageSummary): { title: string; body: string } {
  const sender = clip(message.senderName, NAME_LIMIT) || "Someone";
  const title = message.direct ? sender : `${sender} in ${clip(message.roomName, NAME_LIMIT)}`;
  if (message.type === "m.room.encrypted") return { title, body: "New message" };
  const { msgtype, body } = message.content;
  if (typeof msgtype === "string" && MEDIA[msgtype]) return { title, body: MEDIA[msgtype] };
  if (typeof body !== "string" || body.trim() === "") return { title, body: "New message" };
  const text = msgtype === "m.emote" ? `* ${sender} ${body}` : body;
  return { title, body: clip(text, BODY_LIMIT) };
}

/** The page title: the unread count first, as other chat apps show it in the tab. */
export function pageTitle(unread: number, base = "Xstream"): string {
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
}

export type PermissionOfferFacts = {
  permission: NotificationPermission | "unsupported";
  dismissed: boolean;
  /** The learner has sent a message, or has a partner: they now have someone to hear from. */
  engaged: boolean;
};

/** Ask only once the learner has a reason to want notifications, and never again once answered. */
export function shouldOfferPermission(facts: PermissionOfferFacts): boolean {
  return facts.permission === "default" && !facts.dismissed && facts.engaged;
}
