/*
 * Unread and mention counts under sliding sync. Synapse's MSC4186 answers carry placeholder
 * counts (always 0), so the client counts for itself, as Element X does: the events after my
 * read receipt that my push rules say notify (or highlight), not counting my own. Only events
 * the client has are counted: a listed room carries its latest few, so a long-unread room
 * shows at most that many until it is opened.
 */
import type { MatrixClient, MatrixEvent, NotificationCountType, Room } from "matrix-js-sdk";
import { sdkValue } from "./sdkValues";

const TOTAL = sdkValue<NotificationCountType.Total>("total");
const HIGHLIGHT = sdkValue<NotificationCountType.Highlight>("highlight");

export type UnreadCounts = { total: number; highlight: number };

/** Counts a room's unread notifying events from the newest back to what I have read. */
export function countUnread(
  room: Pick<Room, "getLiveTimeline" | "hasUserReadEvent">,
  myUserId: string,
  actionsFor: (event: MatrixEvent) => { notify?: boolean; tweaks?: { highlight?: boolean } } | null,
): UnreadCounts {
  const counts = { total: 0, highlight: 0 };
  const events = room.getLiveTimeline().getEvents();
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (!event) continue;
    const eventId = event.getId();
    // My own message, or one my receipt covers: everything before it is read too.
    if (event.getSender() === myUserId) break;
    if (eventId && room.hasUserReadEvent(myUserId, eventId)) break;
    const actions = actionsFor(event);
    if (actions?.notify) counts.total++;
    if (actions?.notify && actions.tweaks?.highlight) counts.highlight++;
  }
  return counts;
}

/** Sets a room's counts from what the client has, unless they already say so. */
export function recountRoom(client: MatrixClient, room: Room): void {
  const myUserId = client.getUserId();
  if (!myUserId || room.getMyMembership() !== "join") return;
  const counts = countUnread(room, myUserId, (event) => client.getPushActionsForEvent(event));
  if (room.getUnreadNotificationCount(TOTAL) !== counts.total) {
    room.setUnreadNotificationCount(TOTAL, counts.total);
  }
  if (room.getUnreadNotificationCount(HIGHLIGHT) !== counts.highlight) {
    room.setUnreadNotificationCount(HIGHLIGHT, counts.highlight);
  }
}
