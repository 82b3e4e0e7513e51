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
  /** `origin_server_ts`: when the sender's homeserver says it was sent (its word, unchecked). */
  sentAtMs: number | undefined;
  /** State changes (joins, profile edits, room settings) are not conversation. */
  isStateChange: boolean;
}

/**
 * When an event counts as having happened: its homeserver's timestamp, but never after the
 * bridge received it. A remote server's clock (or its operator) could otherwise date its users'
 * messages in the future and pin them to the top of "recently active". Missing or impossible
 * timestamps count as the reception time, ones before 1970 as 1970 (PostgreSQL must store it).
 */
export function activityTime(sentAtMs: number | undefined, receivedAt: Date): Date {
  if (sentAtMs === undefined || !Number.isFinite(sentAtMs)) return receivedAt;
  if (sentAtMs >= receivedAt.getTime()) return receivedAt;
  return new Date(Math.max(0, sentAtMs));
}

/**
 * The newest activity per sender among `events`. Only messages and other non-state events
 * count, dated by `activityTime`.
 */
export function latestActivityBySender(
  events: readonly SentEvent[],
  receivedAt: Date,
): UserActivity[] {
  const latest = new Map<string, UserActivity>();
  for (const event of events) {
    if (event.isStateChange) continue;
    const at = activityTime(event.sentAtMs, receivedAt);
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
