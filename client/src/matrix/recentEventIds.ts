import type { MatrixClient } from "matrix-js-sdk";

/**
 * The ids of the latest events `senderId` sent in a room the client has loaded, oldest first, at
 * most `limit` of them; empty when the room is not loaded. Evidence for a report.
 */
export function recentEventIds(
  client: Pick<MatrixClient, "getRoom"> | null,
  roomId: string,
  senderId: string,
  limit = 10,
): string[] {
  const room = client?.getRoom(roomId);
  if (!room) return [];
  const ids: string[] = [];
  for (const event of room.getLiveTimeline().getEvents()) {
    const id = event.getId();
    // Local echoes have transaction ids ("~…"), not event ids the server knows.
    if (event.getSender() === senderId && id?.startsWith("$")) ids.push(id);
  }
  return ids.slice(-limit);
}
