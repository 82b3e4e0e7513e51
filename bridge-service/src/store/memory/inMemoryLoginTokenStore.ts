import type { LoginTokenStore } from "../loginTokenStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export interface InMemoryLoginTokenStore extends LoginTokenStore {
  /** jti → expiry. */
  readonly used: ReadonlyMap<string, Date>;
}

export function createInMemoryLoginTokenStore(): InMemoryLoginTokenStore {
  const used = new Map<string, Date>();
  return {
    used,
    async markUsed(jti, expiresAt) {
      if (used.has(jti)) return false;
      used.set(jti, expiresAt);
      return true;
    },
    async prune(now) {
      let pruned = 0;
      for (const [jti, expiresAt] of used) {
        if (expiresAt < now) {
          used.delete(jti);
          pruned++;
        }
      }
      return pruned;
    },
  };
}
