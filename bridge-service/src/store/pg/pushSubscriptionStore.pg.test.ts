import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebPushSubscription } from "../../domain/webPush.js";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgPushSubscriptionStore } from "./pushSubscriptionStore.js";

const subscription = (
  pushkey: string,
  userId: string,
  endpoint: string,
  at: number,
): WebPushSubscription => ({
  pushkey,
  userId,
  endpoint,
  p256dh: `p-${pushkey}`,
  auth: `a-${pushkey}`,
  createdAt: new Date(at),
});

describe("PostgreSQL push subscription store", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
    await pool.query("TRUNCATE push_subscriptions");
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("keeps one pushkey per browser, renews its keys, and drops a learner's oldest", async () => {
    const store = createPgPushSubscriptionStore(pool);
    await store.save(subscription("k1", "@ana:x", "https://p.example/1", 1_000), 2);
    const again = await store.save(
      { ...subscription("k-new", "@ana:x", "https://p.example/1", 5_000), p256dh: "renewed" },
      2,
    );
    expect(again.pushkey).toBe("k1");
    expect((await store.find("k1"))?.p256dh).toBe("renewed");
    expect(await store.find("k-new")).toBeUndefined();

    await store.save(subscription("k2", "@ana:x", "https://p.example/2", 2_000), 2);
    await store.save(subscription("k3", "@ana:x", "https://p.example/3", 3_000), 2);
    await store.save(subscription("b1", "@bob:x", "https://p.example/1", 500), 2);
    expect(await store.find("k1")).toBeUndefined();
    expect((await store.find("k3"))?.endpoint).toBe("https://p.example/3");
    expect((await store.find("b1"))?.userId).toBe("@bob:x");
  });

  it("removes a subscription only for its owner when an owner is named", async () => {
    const store = createPgPushSubscriptionStore(pool);
    await store.save(subscription("own", "@ana:x", "https://p.example/own", 1_000), 10);
    expect(await store.remove("own", "@bob:x")).toBe(false);
    expect(await store.remove("own", "@ana:x")).toBe(true);
    await store.save(subscription("gone", "@ana:x", "https://p.example/gone", 1_000), 10);
    expect(await store.remove("gone")).toBe(true);
    expect(await store.remove("gone")).toBe(false);
  });
});
