import type { EmailOptOutStore } from "../../domain/emailPreferences.js";

/** The PostgreSQL store's behaviour in memory, for unit tests. */
export function createInMemoryEmailOptOutStore(): EmailOptOutStore {
  const optedOut = new Set<string>();
  const key = (userId: string, kind: string) => JSON.stringify([userId, kind]);
  return {
    async isOptedOut(userId, kind) {
      return optedOut.has(key(userId, kind));
    },
    async setOptedOut(userId, kind, out) {
      if (out) optedOut.add(key(userId, kind));
      else optedOut.delete(key(userId, kind));
    },
  };
}
