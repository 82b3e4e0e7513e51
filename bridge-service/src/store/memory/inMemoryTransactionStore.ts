import type { PresenceUpdate } from "../../domain/activity.js";
import type { ClientEvent } from "../../matrix/events.js";
import type { TransactionStore, UserActivityRecord } from "../transactionStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export interface InMemoryTransactionStore extends TransactionStore {
  readonly transactions: ReadonlyMap<string, { eventCount: number }>;
  readonly userActivity: ReadonlyMap<string, UserActivityRecord>;
  readonly presence: ReadonlyMap<string, PresenceUpdate>;
  /** How many times effects were committed; a retried transaction must not add one. */
  readonly commits: number;
  /** Lets go of every held room, as PostgreSQL does when the holder's connection dies. */
  releaseHolds(): void;
}

export function createInMemoryTransactionStore(): InMemoryTransactionStore {
  const transactions = new Map<string, { eventCount: number }>();
  const userActivity = new Map<string, UserActivityRecord>();
  const presence = new Map<string, PresenceUpdate>();
  const inbox = new Map<string, ClientEvent>();
  const held = new Set<string>();
  let commits = 0;
  return {
    transactions,
    userActivity,
    presence,
    get commits() {
      return commits;
    },
    async runOnce(txnId, eventCount, apply) {
      if (transactions.has(txnId)) return "duplicate";
      // Stage writes so a failing `apply` leaves nothing behind, like a rollback.
      const staged: UserActivityRecord[] = [];
      const stagedPresence: PresenceUpdate[] = [];
      const stagedInbox: ClientEvent[] = [];
      await apply({
        async recordUserActivity(activity) {
          staged.push(...activity);
        },
        async recordPresence(updates) {
          stagedPresence.push(...updates);
        },
        async keepUntilHandled(events) {
          stagedInbox.push(...events);
        },
      });
      for (const event of stagedInbox)
        if (!inbox.has(event.event_id)) inbox.set(event.event_id, event);
      transactions.set(txnId, { eventCount });
      for (const record of staged) {
        const known = userActivity.get(record.userId);
        if (!known || known.lastActiveAt <= record.lastActiveAt) {
          userActivity.set(record.userId, record);
        }
      }
      for (const record of stagedPresence) {
        const known = presence.get(record.userId);
        if (!known || known.at <= record.at) presence.set(record.userId, record);
      }
      commits++;
      return "applied";
    },
    async markHandled(eventIds) {
      for (const id of eventIds) inbox.delete(id);
    },
    async unhandled() {
      return [...inbox.values()];
    },
    async roomsWithUnhandled() {
      return [...new Set([...inbox.values()].map((event) => event.room_id))];
    },
    async drainRoom(roomId, handle) {
      if (held.has(roomId)) return false;
      held.add(roomId);
      try {
        for (;;) {
          const next = [...inbox.values()].find((event) => event.room_id === roomId);
          if (!next) return true;
          await handle(next);
          inbox.delete(next.event_id);
        }
      } finally {
        held.delete(roomId);
      }
    },
    releaseHolds() {
      held.clear();
    },
  };
}
