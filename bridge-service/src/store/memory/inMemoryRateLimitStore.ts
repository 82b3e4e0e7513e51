import type { RateLimitStore, RateLimitWindow } from "../rateLimitStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export function createInMemoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, RateLimitWindow>();
  return {
    async hit(bucket, windowMs, now) {
      const current = windows.get(bucket);
      const next =
        current && current.endsAt > now
          ? { hits: current.hits + 1, endsAt: current.endsAt }
          : { hits: 1, endsAt: new Date(now.getTime() + windowMs) };
      windows.set(bucket, next);
      return next;
    },
    async peek(bucket, now) {
      const current = windows.get(bucket);
      return current && current.endsAt > now ? current : undefined;
    },
    async prune(now) {
      let pruned = 0;
      for (const [bucket, window] of windows) {
        if (window.endsAt <= now) {
          windows.delete(bucket);
          pruned++;
        }
      }
      return pruned;
    },
  };
}
