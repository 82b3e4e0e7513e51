import type { RateLimitStore, RateLimitWindow } from "../store/rateLimitStore.js";
import { addressKey } from "./passwordFailures.js";
import { Refusal } from "./refusal.js";

/** At most `limit` counted events per fixed window of `windowMs`, per key. */
export interface RateLimitRule {
  /** Bucket prefix, e.g. `login:ip`. */
  name: string;
  limit: number;
  windowMs: number;
}

export interface AuthRateLimitRules {
  signupPerIp: RateLimitRule;
  /** Every web sign-in attempt, right or wrong (failures have their own policy: passwordFailures.ts). */
  loginPerIp: RateLimitRule;
}

const MINUTE = 60_000;

export function authRateLimitRules(limits: {
  signupsPerIpPerHour: number;
  loginsPerIpPerMinute: number;
}): AuthRateLimitRules {
  return {
    signupPerIp: { name: "signup:ip", limit: limits.signupsPerIpPerHour, windowMs: 60 * MINUTE },
    loginPerIp: { name: "login:ip", limit: limits.loginsPerIpPerMinute, windowMs: MINUTE },
  };
}

function refuse(window: RateLimitWindow, now: Date): Refusal {
  // At least one second: Retry-After has whole-second resolution.
  const retryAfterMs = Math.max(1_000, window.endsAt.getTime() - now.getTime());
  return new Refusal("rate_limited", "Too many requests. Try again later.", { retryAfterMs });
}

/**
 * Counts one event against `rule` for the client at `ip`. The address is taken as the password
 * failure policy takes it (an IPv6 /64 is one address), or one subscriber's /64 would give it a
 * fresh limit per address.
 * @throws Refusal `rate_limited` if this event exceeds the limit.
 */
export async function consumeRateLimit(
  store: RateLimitStore,
  rule: RateLimitRule,
  ip: string,
  now: Date,
): Promise<void> {
  const window = await store.hit(`${rule.name}:${addressKey(ip)}`, rule.windowMs, now);
  if (window.hits > rule.limit) throw refuse(window, now);
}
