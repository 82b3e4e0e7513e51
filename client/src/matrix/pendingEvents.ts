import type { MatrixEvent, Room } from "matrix-js-sdk";

/**
 * Our local echoes that the SDK keeps apart from the room's timeline (the client runs with
 * `pendingEventOrdering: "detached"`): being sent, sent but not yet back from /sync, or failed.
 * None when they sit in the timeline itself ("chronological", where `getPendingEvents` throws).
 */
export function pendingEventsOf(room: Room): MatrixEvent[] {
  try {
    return room.getPendingEvents();
  } catch {
    return [];
  }
}

/**
 * Where a room's local echoes are: its pending list ("detached"), else the live timeline they sit
 * in, among everyone's events ("chronological").
 */
export function localEchoesOf(room: Room): MatrixEvent[] {
  try {
    return room.getPendingEvents();
  } catch {
    return room.getLiveTimeline().getEvents();
  }
}

/** Our local echo of the event sent with transaction id `txnId`, if the SDK made one. */
export function findLocalEcho(room: Room | null, txnId: string): MatrixEvent | undefined {
  return room ? localEchoesOf(room).find((event) => event.getTxnId() === txnId) : undefined;
}

/**
 * The event a timeline row stands for, by its key: the event id, or the transaction id of our
 * own event the server has not confirmed yet. Looked for among the pending events, then in the
 * live timeline.
 */
export function eventByRowKey(room: Room, key: string): MatrixEvent | undefined {
  return [...pendingEventsOf(room), ...room.getLiveTimeline().getEvents()].find(
    (candidate) => (candidate.getId() ?? candidate.getTxnId()) === key,
  );
}
