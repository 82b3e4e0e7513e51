import type { PresenceUpdate } from "../domain/activity.js";
import type { ClientEvent } from "../matrix/events.js";

/** One row of `user_activity`. */
export interface UserActivityRecord {
  userId: string;
  lastActiveAt: Date;
  lastEventId: string;
}

/** Writes allowed while applying an appservice transaction; all land in its DB transaction. */
export interface TransactionEffects {
  /** Upserts each user's activity, keeping whichever of stored and given is newer. */
  recordUserActivity(activity: readonly UserActivityRecord[]): Promise<void>;
  /** Upserts each user's presence, keeping whichever of stored and given is newer. */
  recordPresence(presence: readonly PresenceUpdate[]): Promise<void>;
  /** Keeps events in the inbox until `markHandled`, so a crash cannot lose them. */
  keepUntilHandled(events: readonly ClientEvent[]): Promise<void>;
}

export type TransactionOutcome = "applied" | "duplicate";

export interface TransactionStore {
  /**
   * Runs `apply` and records `txnId` atomically, unless `txnId` was already recorded, in which
   * case nothing is written and the outcome is "duplicate". Resolves only after the commit;
   * rejects (having written nothing) if the database or `apply` fails.
   */
  runOnce(
    txnId: string,
    eventCount: number,
    apply: (effects: TransactionEffects) => Promise<void>,
  ): Promise<TransactionOutcome>;
  /** Removes a handled event from the inbox. */
  markHandled(eventIds: readonly string[]): Promise<void>;
  /** Events kept by earlier transactions and not yet handled, oldest first. */
  unhandled(): Promise<ClientEvent[]>;
  /** Rooms with kept events not yet handled. */
  roomsWithUnhandled(): Promise<string[]>;
  /**
   * Holds `roomId` against every other caller (other replicas too) and hands `handle` its kept
   * events one at a time, oldest first, removing each once `handle` resolves, until none is left.
   * Resolves false at once, handling nothing, if someone else holds the room. A holder that dies
   * lets go of it.
   */
  drainRoom(roomId: string, handle: (event: ClientEvent) => Promise<void>): Promise<boolean>;
}
