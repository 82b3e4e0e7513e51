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

export type PresenceState = "online" | "unavailable" | "offline";

/** A presence update the homeserver pushed (an `m.presence` ephemeral event). */
export interface PresenceUpdate {
  userId: string;
  presence: PresenceState;
  at: Date;
}

const PRESENCE_STATES: readonly string[] = ["online", "unavailable", "offline"];

/**
 * The last presence per user among `m.presence` ephemeral events, dated at reception (presence
 * updates arrive in order; their `last_active_ago` says when the user acted, not when the
 * state changed). Malformed updates are skipped.
 */
export function latestPresenceByUser(
  events: readonly { type: string; content: Record<string, unknown>; [key: string]: unknown }[],
  receivedAt: Date,
): PresenceUpdate[] {
  const latest = new Map<string, PresenceUpdate>();
  for (const event of events) {
    if (event.type !== "m.presence") continue;
    const userId = event.sender ?? event.content.user_id;
    const presence = event.content.presence;
    if (typeof userId !== "string" || typeof presence !== "string") continue;
    if (!PRESENCE_STATES.includes(presence)) continue;
    latest.set(userId, { userId, presence: presence as PresenceState, at: receivedAt });
  }
  return [...latest.values()];
}
