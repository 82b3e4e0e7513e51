import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  beginPasswordAttempt,
  type PasswordAttempts,
  passwordFailurePolicy,
  prunePasswordFailures,
} from "../../domain/passwordFailures.js";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgPasswordFailureStore } from "./passwordFailureStore.js";

describe("PostgreSQL password failure store", () => {
  let pool: pg.Pool;
  const now = new Date("2030-01-01T00:00:00Z");
  let attempts: PasswordAttempts;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 10 });
  });

  beforeEach(async () => {
    await pool.query("TRUNCATE password_failures, password_known_addresses");
    attempts = {
      store: createPgPasswordFailureStore(pool),
      policy: passwordFailurePolicy({
        freeFailuresPerAccountAndAddress: 5,
        freeFailuresPerAddress: 30,
        freeFailuresPerAccount: 10,
      }),
      now: () => now,
    };
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("lets exactly the free attempts through when twenty arrive at once", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        beginPasswordAttempt(attempts, { account: "ana", ip: "203.0.113.7" }),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(5);
    const { rows } = await pool.query(
      "SELECT bucket, failures FROM password_failures ORDER BY bucket",
    );
    expect(rows).toEqual([
      { bucket: "account:ana", failures: 3 },
      { bucket: "address:203.0.113.7", failures: 5 },
      { bucket: "pair:ana\n203.0.113.7", failures: 5 },
    ]);
  });

  it("takes a success back, remembers its address, and prunes what is old", async () => {
    await (await beginPasswordAttempt(attempts, { account: "ana", ip: "203.0.113.7" })).settle(
      "failure",
    );
    await (await beginPasswordAttempt(attempts, { account: "ana", ip: "203.0.113.7" })).settle(
      "success",
    );
    const { rows } = await pool.query(
      "SELECT bucket, failures FROM password_failures ORDER BY bucket",
    );
    expect(rows).toEqual([
      { bucket: "account:ana", failures: 1 },
      { bucket: "address:203.0.113.7", failures: 1 },
    ]);
    const store = createPgPasswordFailureStore(pool);
    expect(await store.isKnownAddress("ana", "203.0.113.7", now)).toBe(true);
    expect(await store.isKnownAddress("ana", "198.51.100.1", now)).toBe(false);
    const later = new Date(now.getTime() + 31 * 24 * 3600_000);
    expect(await prunePasswordFailures({ ...attempts, now: () => later })).toBe(3);
  });
});
