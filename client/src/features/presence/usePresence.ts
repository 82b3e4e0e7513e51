import type { MatrixClient, User, UserEvent } from "matrix-js-sdk";
import { useEffect, useState, useSyncExternalStore } from "react";
import { listenTo } from "../../matrix/liveSubscribers";
import { sdkValue } from "../../matrix/sdkValues";
import { type Presence, presenceLabel, presenceOf } from "./presenceView";

/** The SDK's user events, re-emitted by the client. */
const PresenceEvents = {
  /** The state changed (online, unavailable, offline). */
  Presence: sdkValue<UserEvent.Presence>("User.presence"),
  /** Any presence update arrived, even one that keeps the state (`last_active_ago` moved). */
  LastPresenceTs: sdkValue<UserEvent.LastPresenceTs>("User.lastPresenceTs"),
  CurrentlyActive: sdkValue<UserEvent.CurrentlyActive>("User.currentlyActive"),
} as const;

export type PresenceView = Presence & {
  /** "Online", "Active 5 min ago"… */
  label: string;
};

// One clock for every presence on screen, so "5 min ago" moves on without a timer each.
const TICK_MS = 30_000;
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | null = null;
let clockNow = Date.now();

function subscribeClock(listener: () => void) {
  clockListeners.add(listener);
  if (clockTimer === null) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      for (const notify of clockListeners) notify();
    }, TICK_MS);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clockTimer !== null) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

const readClock = () => clockNow;

function readPresence(client: MatrixClient | null, userId: string | null): Presence | null {
  return userId ? presenceOf(client?.getUser(userId)) : null;
}

/**
 * Someone's presence with a label for people, kept up to date from the client's presence events;
 * null while the homeserver has said nothing about them (or there is no client or user).
 */
export function usePresence(
  client: MatrixClient | null,
  userId: string | null,
): PresenceView | null {
  const [presence, setPresence] = useState(() => readPresence(client, userId));
  useEffect(() => {
    const update = () => setPresence(readPresence(client, userId));
    update();
    if (!client || !userId) return;
    const ifThisUser = (_event: unknown, user: User | undefined) => {
      if (user?.userId === userId) update();
    };
    return listenTo(client, [
      [PresenceEvents.Presence, ifThisUser],
      [PresenceEvents.LastPresenceTs, ifThisUser],
      [PresenceEvents.CurrentlyActive, ifThisUser],
    ]);
  }, [client, userId]);
  // Re-renders on each tick of the shared clock, so the label's "… ago" moves on.
  useSyncExternalStore(subscribeClock, readClock, readClock);
  return presence ? { ...presence, label: presenceLabel(presence, Date.now()) } : null;
}
