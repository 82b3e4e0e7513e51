import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgPolicyStore } from "./policyStore.js";

const A = "a.example";
const B = "b.example";

describe("PostgreSQL policy store", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
    await pool.query("TRUNCATE learner_bans, policy_publications, policy_rooms, policy_rules");
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("lists the bans still to publish, as they stand, and the lifted ones still published", async () => {
    const store = createPgPolicyStore(pool);
    const now = new Date("2025-01-15T12:00:00Z");
    expect(await store.ban(`@mallory:${A}`, "spam", now)).toBe(true);
    expect(await store.ban(`@mallory:${A}`, "spam", now)).toBe(false);
    expect(await store.ban(`@eve:${A}`, "harassment", now)).toBe(true);
    // Not ours: never published by this server's bridge.
    await store.ban(`@bob:${B}`, "spam", now);
    const pending = async () =>
      (await store.pendingRules(A, 10)).map(({ userId, ban }) => `${userId} ${ban?.reason ?? "-"}`);
    expect((await pending()).sort()).toEqual([`@eve:${A} harassment`, `@mallory:${A} spam`]);

    await store.recordRule(`@mallory:${A}`, "spam", "$1");
    await store.recordRule(`@eve:${A}`, "harassment", "$2");
    expect(await pending()).toEqual([]);
    // Re-worded: published again. Lifted: cleared.
    await store.ban(`@mallory:${A}`, "spam and abuse", now);
    expect(await store.unban(`@eve:${A}`)).toBe(true);
    expect(await store.unban(`@eve:${A}`)).toBe(false);
    expect((await pending()).sort()).toEqual([`@eve:${A} -`, `@mallory:${A} spam and abuse`]);
    await store.recordRule(`@eve:${A}`, null, "$3");
    await store.recordRule(`@mallory:${A}`, "spam and abuse", "$4");
    expect(await pending()).toEqual([]);
    expect((await store.bannedUsers()).map((ban) => ban.userId).sort()).toEqual([
      `@bob:${B}`,
      `@mallory:${A}`,
    ]);
  });

  it("replaces a partner's rules in one go and forgets them with its room", async () => {
    const store = createPgPolicyStore(pool);
    await store.saveRoom({ serverName: B, roomId: `!policy:${B}` });
    const rules = Array.from({ length: 2_500 }, (_, i) => ({
      serverName: B,
      stateKey: `rule:${i}`,
      entity: `@user${i}:${B}`,
      reason: "spam",
    }));
    const stray = { serverName: A, stateKey: "x", entity: `@ana:${A}`, reason: "spam" };
    await store.replaceRules(B, [...rules, stray]);
    expect(await store.rulesOf(B)).toHaveLength(2_500);
    expect(await store.rulesOf(A)).toEqual([]);
    await store.putRule({ serverName: B, stateKey: "rule:0", entity: `@spam*:${B}`, reason: "r" });
    expect(await store.removeRule(B, "rule:1")).toBe(true);
    expect(await store.removeRule(B, "rule:1")).toBe(false);
    expect((await store.rulesOf(B)).find((rule) => rule.stateKey === "rule:0")?.entity).toBe(
      `@spam*:${B}`,
    );
    expect(await store.roomById(`!policy:${B}`)).toEqual({ serverName: B, roomId: `!policy:${B}` });
    expect(await store.forgetServer(B)).toBe(2_499);
    expect(await store.rulesOf(B)).toEqual([]);
    expect(await store.rooms()).toEqual([]);
  });
});
