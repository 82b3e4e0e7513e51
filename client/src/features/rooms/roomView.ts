import type { MatrixEvent, Room, RoomMember } from "matrix-js-sdk";
import { FORWARDS, SendStatus } from "../../matrix/sdkValues";

/** Someone in the room, as the page lists them. */
export type RoomMemberView = { userId: string; displayName: string };

export type MessageKind = "text" | "notice" | "emote";

/** A text message in the timeline, as plain text (formatted bodies are never rendered). */
export type RoomMessage = {
  /** Event id, or the transaction id of our own message until the server has it. */
  id: string;
  senderId: string;
  senderName: string;
  body: string;
  kind: MessageKind;
  timestamp: number;
  own: boolean;
  delivery: "sent" | "sending" | "failed";
};

const MESSAGE_KINDS: Record<string, MessageKind> = {
  "m.text": "text",
  "m.notice": "notice",
  "m.emote": "emote",
};

function isPresent(member: RoomMember): boolean {
  return member.membership === "join" || member.membership === "invite";
}

/**
 * The partner in a one-to-one room: the only other person in it, or, in a room someone else set
 * up for two people (the Xstream bot creates partner rooms and stays in them), the only one who
 * is neither me nor its creator.
 */
export function partnerIn(room: Room, myUserId: string): RoomMember | undefined {
  const others = room.getMembers().filter((m) => isPresent(m) && m.userId !== myUserId);
  if (others.length === 1) return others[0];
  const creator = room.getCreator();
  if (creator === myUserId) return undefined;
  const invited = others.filter((member) => member.userId !== creator);
  return invited.length === 1 ? invited[0] : undefined;
}

/** The room's own name if it has one, else the partner's name in a one-to-one room. */
export function roomName(room: Room, myUserId: string): string {
  const nameEvent = room.getLiveTimeline().getState(FORWARDS)?.getStateEvents("m.room.name", "");
  const explicit = nameEvent?.getContent<{ name?: unknown }>().name;
  if (typeof explicit === "string" && explicit.trim() !== "") return explicit.trim();
  return partnerIn(room, myUserId)?.name || room.name || room.roomId;
}

export function joinedMembers(room: Room): RoomMemberView[] {
  return room
    .getJoinedMembers()
    .map((member) => ({ userId: member.userId, displayName: member.name || member.userId }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId));
}

function messageFrom(event: MatrixEvent, room: Room, myUserId: string): RoomMessage | undefined {
  if (event.getType() !== "m.room.message" || event.isRedacted()) return undefined;
  if (event.status === SendStatus.Cancelled) return undefined;
  const content = event.getContent();
  const kind = typeof content.msgtype === "string" ? MESSAGE_KINDS[content.msgtype] : undefined;
  if (!kind || typeof content.body !== "string") return undefined;
  // Edits arrive as separate events; this seed shows the original only.
  if (content["m.relates_to"]?.rel_type === "m.replace") return undefined;
  const senderId = event.getSender() ?? "";
  const id = event.getId() ?? event.getTxnId();
  if (!id) return undefined;
  return {
    id,
    senderId,
    senderName: event.sender?.name || room.getMember(senderId)?.name || senderId,
    body: content.body,
    kind,
    timestamp: event.getTs(),
    own: senderId === myUserId,
    delivery:
      event.status === null || event.status === SendStatus.Sent
        ? "sent"
        : event.status === SendStatus.NotSent
          ? "failed"
          : "sending",
  };
}

/** The text messages of the live timeline, oldest first. */
export function timelineMessages(room: Room, myUserId: string): RoomMessage[] {
  const messages: RoomMessage[] = [];
  for (const event of room.getLiveTimeline().getEvents()) {
    const message = messageFrom(event, room, myUserId);
    if (message) messages.push(message);
  }
  return messages;
}
