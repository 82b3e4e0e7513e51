import type { FailureCount, PasswordFailureStore } from "../passwordFailureStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export function createInMemoryPasswordFailureStore(): PasswordFailureStore & {
  counts: Map<string, FailureCount>;
} {
  const counts = new Map<string, FailureCount>();
  const known = new Map<string, Date>();
  const knownKey = (account: string, address: string) => `${account}\n${address}`;
  return {
    counts,
    // `change` is synchronous, so read and write happen without another update in between.
    async update(buckets, change) {
      const current = new Map<string, FailureCount>();
      for (const bucket of buckets) {
        const count = counts.get(bucket);
        if (count) current.set(bucket, { ...count });
      }
      const { changes, result } = change(current);
      for (const [bucket, count] of changes) {
        if (count === undefined) counts.delete(bucket);
        else counts.set(bucket, { ...count });
      }
      return result;
    },
    async isKnownAddress(account, address, since) {
      const at = known.get(knownKey(account, address));
      return at !== undefined && at >= since;
    },
    async rememberAddress(account, address, now) {
      known.set(knownKey(account, address), now);
    },
    async prune(failuresBefore, knownBefore) {
      let pruned = 0;
      for (const [bucket, count] of counts) {
        if (count.lastFailureAt < failuresBefore) {
          counts.delete(bucket);
          pruned++;
        }
      }
      for (const [key, at] of known) {
        if (at < knownBefore) {
          known.delete(key);
          pruned++;
        }
      }
      return pruned;
    },
  };
}
