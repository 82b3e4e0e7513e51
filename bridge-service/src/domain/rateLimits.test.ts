import { describe, expect, it } from "vitest";
import { createInMemoryRateLimitStore } from "../store/memory/inMemoryRateLimitStore.js";
import { consumeRateLimit, type RateLimitRule } from "./rateLimits.js";
import { Refusal } from "./refusal.js";

const rule: RateLimitRule = { name: "signup:ip", limit: 2, windowMs: 60_000 };
const now = new Date("2026-01-01T00:00:00Z");

async function refusalOf(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("consumeRateLimit", () => {
  it("refuses past the limit with the time until the window ends", async () => {
    const store = createInMemoryRateLimitStore();
    await consumeRateLimit(store, rule, "203.0.113.7", now);
    await consumeRateLimit(store, rule, "203.0.113.7", now);
    const refused = await refusalOf(consumeRateLimit(store, rule, "203.0.113.7", now));
    expect(refused).toBeInstanceOf(Refusal);
    expect(refused).toMatchObject({ reason: "rate_limited", retryAfterMs: 60_000 });
    // Another address has a limit of its own, and so does the same address in the next window.
    await expect(consumeRateLimit(store, rule, "203.0.113.8", now)).resolves.toBeUndefined();
    await expect(
      consumeRateLimit(store, rule, "203.0.113.7", new Date(now.getTime() + 60_000)),
    ).resolves.toBeUndefined();
  });

  it("counts an IPv6 /64 as one address, so fresh addresses from it buy nothing", async () => {
    const store = createInMemoryRateLimitStore();
    await consumeRateLimit(store, rule, "2001:db8:1:2::1", now);
    await consumeRateLimit(store, rule, "2001:db8:1:2:aaaa::2", now);
    const refused = await refusalOf(consumeRateLimit(store, rule, "2001:db8:1:2:ffff::3", now));
    expect(refused).toMatchObject({ reason: "rate_limited" });
    // The next /64 is someone else.
    await expect(consumeRateLimit(store, rule, "2001:db8:1:3::1", now)).resolves.toBeUndefined();
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", async () => {
    const store = createInMemoryRateLimitStore();
    await consumeRateLimit(store, rule, "::ffff:203.0.113.7", now);
    await consumeRateLimit(store, rule, "203.0.113.7", now);
    const refused = await refusalOf(consumeRateLimit(store, rule, "::ffff:203.0.113.7", now));
    expect(refused).toMatchObject({ reason: "rate_limited" });
  });
});
