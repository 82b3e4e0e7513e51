import type { PushSubscriptionStore, WebPushSubscription } from "../../domain/webPush.js";

/** The PostgreSQL store's behaviour in memory, for unit tests. */
export function createInMemoryPushSubscriptionStore(): PushSubscriptionStore & {
  all(): WebPushSubscription[];
} {
  const byKey = new Map<string, WebPushSubscription>();
  return {
    all: () => [...byKey.values()],
    async save(subscription, maxPerUser) {
      const existing = [...byKey.values()].find(
        (s) => s.userId === subscription.userId && s.endpoint === subscription.endpoint,
      );
      const saved = existing
        ? { ...existing, p256dh: subscription.p256dh, auth: subscription.auth }
        : subscription;
      byKey.set(saved.pushkey, saved);
      const mine = [...byKey.values()]
        .filter((s) => s.userId === subscription.userId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      for (const old of mine.slice(maxPerUser)) byKey.delete(old.pushkey);
      return saved;
    },
    async find(pushkey) {
      return byKey.get(pushkey);
    },
    async remove(pushkey, userId) {
      const found = byKey.get(pushkey);
      if (!found || (userId !== undefined && found.userId !== userId)) return false;
      return byKey.delete(pushkey);
    },
  };
}
