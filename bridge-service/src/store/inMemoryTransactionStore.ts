import type { TransactionStore, UserActivityRecord } from "./transactionStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export interface InMemoryTransactionStore extends TransactionStore {
  readonly transactions: ReadonlyMap<string, { eventCount: number }>;
  readonly userActivity: ReadonlyMap<string, UserActivityRecord>;
  /** How many times effects were committed; a retried transaction must not add one. */
  readonly commits: number;
}

export function createInMemoryTransactionStore(): InMemoryTransactionStore {
  const transactions = new Map<string, { eventCount: number }>();
  const userActivity = new Map<string, UserActivityRecord>();
  let commits = 0;
  return {
    transactions,
    userActivity,
    get commits() {
      return commits;
    },
    async runOnce(txnId, eventCount, apply) {
      if (transactions.has(txnId)) return "duplicate";
      // Stage writes so a failing `apply` leaves nothing behind, like a rollback.
      const staged: UserActivityRecord[] = [];
      await apply({
        async recordUserActivity(activity) {
          staged.push(...activity);
        },
      });
      transactions.set(txnId, { eventCount });
      for (const record of staged) {
        const known = userActivity.get(record.userId);
        if (!known || known.lastActiveAt <= record.lastActiveAt) {
          userActivity.set(record.userId, record);
        }
      }
      commits++;
      return "applied";
    },
  };
}
