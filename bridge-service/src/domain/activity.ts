/** The latest thing a user did that the bridge saw; "recently active" feeds partner matching. */
export interface UserActivity {
  userId: string;
  lastActiveAt: Date;
  lastEventId: string;
}

/** What a sent event tells us about its sender's activity. */
export interface SentEvent {
  sender: string;
  eventId: string;
  /** When the sender's homeserver says it was sent; absent on malformed events. */
  sentAt: Date | undefined;
  /** State changes (joins, profile edits, room settings) are not conversation. */
  isStateChange: boolean;
}

/**
 * The newest activity per sender among `events`. Only messages and other non-state events
 * count. Events without a timestamp count as happening at `receivedAt`.
 */
export function latestActivityBySender(
  events: readonly SentEvent[],
  receivedAt: Date,
): UserActivity[] {
  const latest = new Map<string, UserActivity>();
  for (const event of events) {
    if (event.isStateChange) continue;
    const at = event.sentAt ?? receivedAt;
    const known = latest.get(event.sender);
    // `>=`: of two events with the same timestamp, the later one in the transaction wins.
    if (!known || at.getTime() >= known.lastActiveAt.getTime()) {
      latest.set(event.sender, {
        userId: event.sender,
        lastActiveAt: at,
        lastEventId: event.eventId,
      });
    }
  }
  return [...latest.values()];
}
