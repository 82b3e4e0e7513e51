import type { RateLimitStore, RateLimitWindow } from "../store/rateLimitStore.js";
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
  loginPerIp: RateLimitRule;
  /** Counts failed password checks per username, known or not. */
  loginFailuresPerAccount: RateLimitRule;
}

const MINUTE = 60_000;

export function authRateLimitRules(limits: {
  signupsPerIpPerHour: number;
  loginsPerIpPerMinute: number;
  loginsPerAccountPer15Min: number;
}): AuthRateLimitRules {
  return {
    signupPerIp: { name: "signup:ip", limit: limits.signupsPerIpPerHour, windowMs: 60 * MINUTE },
    loginPerIp: { name: "login:ip", limit: limits.loginsPerIpPerMinute, windowMs: MINUTE },
    loginFailuresPerAccount: {
      name: "login:account",
      limit: limits.loginsPerAccountPer15Min,
      windowMs: 15 * MINUTE,
    },
  };
}

function refuse(window: RateLimitWindow, now: Date): Refusal {
  // At least one second: Retry-After has whole-second resolution.
  const retryAfterMs = Math.max(1_000, window.endsAt.getTime() - now.getTime());
  return new Refusal("rate_limited", "Too many requests. Try again later.", { retryAfterMs });
}

/**
 * Counts one event against `rule` for `key`.
 * @throws Refusal `rate_limited` if this event exceeds the limit.
 */
export async function consumeRateLimit(
  store: RateLimitStore,
  rule: RateLimitRule,
  key: string,
  now: Date,
): Promise<void> {
  const window = await store.hit(`${rule.name}:${key}`, rule.windowMs, now);
  if (window.hits > rule.limit) throw refuse(window, now);
}

/**
 * Refuses if `key` has already used up `rule`'s limit in the current window, without counting.
 * @throws Refusal `rate_limited`
 */
export async function assertWithinRateLimit(
  store: RateLimitStore,
  rule: RateLimitRule,
  key: string,
  now: Date,
): Promise<void> {
  const window = await store.peek(`${rule.name}:${key}`, now);
  if (window && window.hits >= rule.limit) throw refuse(window, now);
}
