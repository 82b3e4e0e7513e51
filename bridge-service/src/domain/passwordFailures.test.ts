import { describe, expect, it } from "vitest";
import { createInMemoryPasswordFailureStore } from "../store/memory/inMemoryPasswordFailureStore.js";
import { createTestClock } from "../testing/authHarness.js";
import {
  accountKey,
  addressKey,
  beginPasswordAttempt,
  type PasswordAttempts,
  passwordFailurePolicy,
  prunePasswordFailures,
} from "./passwordFailures.js";
import { Refusal } from "./refusal.js";

const MINUTE = 60_000;

function setup() {
  const clock = createTestClock();
  const store = createInMemoryPasswordFailureStore();
  const ctx: PasswordAttempts = {
    store,
    policy: passwordFailurePolicy({
      freeFailuresPerAccountAndAddress: 5,
      freeFailuresPerAddress: 30,
      freeFailuresPerAccount: 10,
    }),
    now: clock.now,
  };
  /** One attempt settled with `outcome`; the wait in ms if the policy refused it, else 0. */
  const attempt = async (
    account: string,
    ip: string,
    outcome: "success" | "failure" | "void" = "failure",
  ): Promise<number> => {
    try {
      const started = await beginPasswordAttempt(ctx, { account, ip });
      await started.settle(outcome);
      return 0;
    } catch (error) {
      if (error instanceof Refusal && error.reason === "rate_limited") {
        return error.retryAfterMs ?? Number.NaN;
      }
      throw error;
    }
  };
  return { clock, store, ctx, attempt };
}

describe("password failure policy", () => {
  it("gives one guesser five free failures, then doubles the wait after each one", async () => {
    const { clock, attempt } = setup();
    for (let i = 0; i < 5; i++) expect(await attempt("ana", "203.0.113.7")).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const wait = await attempt("ana", "203.0.113.7");
      waits.push(wait);
      // Asking again before the time is up changes nothing and is not counted.
      expect(await attempt("ana", "203.0.113.7")).toBe(wait);
      clock.advance(wait);
      expect(await attempt("ana", "203.0.113.7")).toBe(0);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it("caps the wait at 15 minutes, which holds a patient guesser to 4 tries an hour", async () => {
    const { clock, attempt } = setup();
    let tries = 0;
    const start = clock.now().getTime();
    while (clock.now().getTime() - start < 3 * 60 * MINUTE) {
      const wait = await attempt("ana", "203.0.113.7");
      if (wait === 0) tries++;
      else {
        expect(wait).toBeLessThanOrEqual(15 * MINUTE);
        clock.advance(wait);
      }
    }
    // 5 free, 10 doublings up to 512 s (17 minutes in all), then one every 15 minutes.
    expect(tries).toBeGreaterThan(20);
    expect(tries).toBeLessThanOrEqual(5 + 10 + Math.ceil((180 - 17) / 15) + 1);
  });

  it("never holds back the owner at a clean address because of one guesser", async () => {
    const { attempt } = setup();
    for (let i = 0; i < 5; i++) await attempt("ana", "203.0.113.7");
    expect(await attempt("ana", "203.0.113.7")).toBeGreaterThan(0);
    expect(await attempt("ana", "198.51.100.9", "success")).toBe(0);
    // Nor their own typos there.
    expect(await attempt("ana", "198.51.100.9")).toBe(0);
    expect(await attempt("ana", "198.51.100.9", "success")).toBe(0);
  });

  it("slows many addresses on one account together, but not an address it signed in from", async () => {
    const { clock, attempt } = setup();
    expect(await attempt("ana", "198.51.100.9", "success")).toBe(0);
    // Each address adds at most three failures until the account's ten are used up.
    let guesses = 0;
    for (let host = 1; host <= 4; host++) {
      for (let i = 0; i < 3; i++) if ((await attempt("ana", `203.0.113.${host}`)) === 0) guesses++;
    }
    expect(guesses).toBe(10);
    const wait = await attempt("ana", "192.0.2.50", "success");
    expect(wait).toBe(1_000);
    expect(await attempt("ana", "198.51.100.9", "success")).toBe(0);
    clock.advance(wait);
    // Past the account's limit every failure counts: the next guesser waits 2 s, then 4 s.
    expect(await attempt("ana", "192.0.2.77")).toBe(0);
    expect(await attempt("ana", "192.0.2.78")).toBe(2_000);
    clock.advance(2_000);
    expect(await attempt("ana", "192.0.2.79")).toBe(0);
    expect(await attempt("ana", "192.0.2.80")).toBe(4_000);
    // The owner at a new address waits those seconds out too, then gets in.
    clock.advance(4_000);
    expect(await attempt("ana", "192.0.2.50", "success")).toBe(0);
  });

  it("slows one address trying many accounts after 30 failures", async () => {
    const { attempt } = setup();
    expect(await attempt("ben", "203.0.113.7", "success")).toBe(0);
    for (let i = 0; i < 30; i++) expect(await attempt(`user${i}`, "203.0.113.7")).toBe(0);
    expect(await attempt("user99", "203.0.113.7")).toBe(1_000);
    // Someone who signed in from this address before (a school's shared address) still can.
    expect(await attempt("ben", "203.0.113.7", "success")).toBe(0);
  });

  it("takes back attempts that got no verdict, and a success clears the guesser's own count", async () => {
    const { attempt, store } = setup();
    for (let i = 0; i < 20; i++) expect(await attempt("ana", "203.0.113.7", "void")).toBe(0);
    expect(store.counts.size).toBe(0);
    for (let i = 0; i < 4; i++) await attempt("ana", "203.0.113.7");
    expect(await attempt("ana", "203.0.113.7", "success")).toBe(0);
    expect(store.counts.get("pair:ana\n203.0.113.7")).toBeUndefined();
    expect(store.counts.get("address:203.0.113.7")?.failures).toBe(4);
  });

  it("counts parallel attempts before any of them is checked", async () => {
    const { ctx } = setup();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => beginPasswordAttempt(ctx, { account: "ana", ip: "::1" })),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(5);
  });

  it("forgets failures an hour after the last one, and prunes them", async () => {
    const { clock, ctx, store, attempt } = setup();
    for (let i = 0; i < 5; i++) await attempt("ana", "203.0.113.7");
    expect(await attempt("ana", "203.0.113.7")).toBe(1_000);
    clock.advance(60 * MINUTE + 1);
    expect(await prunePasswordFailures(ctx)).toBe(3);
    expect(store.counts.size).toBe(0);
    for (let i = 0; i < 5; i++) expect(await attempt("ana", "203.0.113.7")).toBe(0);
  });

  it("counts an IPv6 /64 as one address, and IPv4-mapped addresses as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:ffff::9"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("not an address")).toBe("not an address");
  });

  it("folds every spelling of an account name a database might match into one bucket", () => {
    for (const spelling of ["ANA", " ana ", "\uFF41na", "a\u0301na"]) {
      expect(accountKey(spelling)).toBe("ana");
    }
    expect(accountKey("\u0430na")).not.toBe("ana"); // Cyrillic а is another letter
    expect(accountKey("\u212Aim")).toBe("kim"); // Kelvin sign
    expect(accountKey("x".repeat(10_000))).toHaveLength(255);
  });
});
