/** Whether someone is here, as the room page shows it. */
export type PresenceState = "online" | "away" | "offline";

export type Presence = {
  state: PresenceState;
  /** When they were last active (ms since the epoch), when the homeserver said. */
  lastActiveAt: number | null;
};

/** What a matrix-js-sdk `User` says about presence (`client.getUser`). */
export type PresenceSource = {
  presence: string;
  /** When the latest presence update arrived; 0 when none has. */
  lastPresenceTs: number;
  lastActiveAgo: number | undefined;
  currentlyActive: boolean;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Someone's presence, or null while the homeserver has told us nothing (presence off, or no room
 * shared yet): better to show nothing than a wrong "Offline".
 */
export function presenceOf(user: PresenceSource | null | undefined): Presence | null {
  if (!user || user.lastPresenceTs <= 0) return null;
  const state: PresenceState =
    user.presence === "online" ? "online" : user.presence === "unavailable" ? "away" : "offline";
  // Counted back from when the update arrived. The SDK copies `last_active_ago` as it comes, so
  // it is missing (undefined) when the homeserver left it out.
  const ago = typeof user.lastActiveAgo === "number" ? user.lastActiveAgo : null;
  const lastActiveAt = user.currentlyActive
    ? user.lastPresenceTs
    : ago === null
      ? null
      : user.lastPresenceTs - ago;
  return { state, lastActiveAt };
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function timeAgo(ms: number): string {
  if (ms < MINUTE) return "just now";
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  const days = Math.floor(ms / DAY);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/** "Online"; "Away, active 12 min ago"; "Active 5 min ago" (offline since); "Offline". */
export function presenceLabel(presence: Presence, now: number): string {
  const ago =
    presence.lastActiveAt === null ? null : timeAgo(Math.max(0, now - presence.lastActiveAt));
  switch (presence.state) {
    case "online":
      return "Online";
    case "away":
      return ago ? `Away, active ${ago}` : "Away";
    case "offline":
      return ago ? `Active ${ago}` : "Offline";
  }
}
