import type {
  Direction,
  EventType,
  MatrixClient,
  MatrixEvent,
  MatrixEventEvent,
  Room,
  RoomEvent,
  RoomMemberEvent,
} from "matrix-js-sdk";
import { SendStatus, sdkValue } from "../../matrix/sdkValues";
import type { Person } from "./people";
import type { TimelineEventInput } from "./timelineModel";

/** The SDK events and values the timeline needs beyond the app's common ones. */
export const TimelineSdk = {
  Receipt: sdkValue<RoomEvent.Receipt>("Room.receipt"),
  Typing: sdkValue<RoomMemberEvent.Typing>("RoomMember.typing"),
  Decrypted: sdkValue<MatrixEventEvent.Decrypted>("Event.decrypted"),
  Reaction: sdkValue<EventType.Reaction>("m.reaction"),
  Backwards: sdkValue<Direction.Backward>("b"),
} as const;

function personIn(room: Room, userId: string): Person {
  const member = room.getMember(userId);
  return { userId, name: member?.name || userId, avatarUrl: member?.getMxcAvatarUrl() ?? null };
}

/** One matrix-js-sdk event as the timeline's plain data; null for cancelled local echoes. */
export function fromMatrixEvent(event: MatrixEvent, room: Room): TimelineEventInput | null {
  if (event.status === SendStatus.Cancelled) return null;
  const key = event.getId() ?? event.getTxnId();
  if (!key) return null;
  const sent = event.status === null || event.status === SendStatus.Sent;
  const senderId = event.getSender() ?? "";
  const failed = event.isDecryptionFailure();
  return {
    key,
    eventId: sent ? (event.getId() ?? null) : null,
    type: event.getType(),
    // As they were when they sent it, like their name.
    sender: event.sender?.name
      ? {
          userId: senderId,
          name: event.sender.name,
          avatarUrl: event.sender.getMxcAvatarUrl() ?? null,
        }
      : personIn(room, senderId),
    ts: event.getTs(),
    // As sent: the SDK may already show an edit's content through getContent().
    content: event.getOriginalContent(),
    redacted: event.isRedacted(),
    decryption: failed
      ? "failed"
      : event.isEncrypted() && event.getType() === "m.room.encrypted"
        ? "pending"
        : "none",
    delivery: sent ? "sent" : event.status === SendStatus.NotSent ? "failed" : "sending",
    readBy: room.getUsersReadUpTo(event).map((userId) => personIn(room, userId)),
  };
}

/**
 * Has the SDK decrypt the encrypted events it has not tried yet. Sliding sync adds a room's
 * timeline undecrypted and then decrypts only what follows our read receipt (the SDK's
 * `Room.decryptCriticalEvents`), so earlier messages on screen would stay "Decrypting…" for good:
 * never having failed, they are not among the events the crypto tries again when keys arrive
 * later, as when a key backup is restored with the recovery key. Each attempt ends in
 * `MatrixEventEvent.Decrypted`, a failed one too (and that one is retried with new keys).
 */
export function decryptUntried(
  client: Pick<MatrixClient, "decryptEventIfNeeded">,
  events: readonly MatrixEvent[],
): void {
  for (const event of events) {
    if (event.shouldAttemptDecryption()) {
      client.decryptEventIfNeeded(event).catch(() => undefined);
    }
  }
}

/** May `userId` redact other people's events here (the `redact` power level)? */
export function mayRedactOthers(room: Room, userId: string): boolean {
  const state = room.getLiveTimeline().getState(sdkValue<Direction.Forward>("f"));
  const content = state?.getStateEvents("m.room.power_levels", "")?.getContent() as
    | { redact?: unknown; users?: Record<string, unknown>; users_default?: unknown }
    | undefined;
  if (!content) return false;
  const needed = typeof content.redact === "number" ? content.redact : 50;
  const mine = content.users?.[userId] ?? content.users_default ?? 0;
  return typeof mine === "number" && mine >= needed;
}
