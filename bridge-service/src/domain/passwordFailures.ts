// One failure policy for every place a password is tried: the web sign-in form, Matrix
// `m.login.password` logins through the gateway, and password change. Failures are counted per
// account-and-address, per address and per account; past a few free ones, each further failure
// makes the next attempt wait twice as long (up to a cap), answered as 429 with a retry time.
// Nothing is ever locked: the owner at an address with no failures of its own (or one they
// signed in from before) keeps getting in while a guesser waits.
import ipaddr from "ipaddr.js";
import type {
  FailureChanges,
  FailureCount,
  PasswordFailureStore,
} from "../store/passwordFailureStore.js";
import { Refusal } from "./refusal.js";

/** `freeFailures` cost nothing; then each failure doubles the wait, from `baseDelayMs` to `maxDelayMs`. */
export interface BackoffRule {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PasswordFailurePolicy {
  /** One guesser on one account. */
  perAccountAndAddress: BackoffRule;
  /** One address trying many accounts (a school's NAT mistyping is why it starts high). */
  perAddress: BackoffRule;
  /** Many addresses on one account. */
  perAccount: BackoffRule;
  /** Counts are forgotten this long after their last failure. */
  forgetAfterMs: number;
  /** A sign-in makes its address known to the account for this long. */
  knownAddressTtlMs: number;
}

/**
 * Before the account's own limit is reached, each address adds at most this many failures to
 * it, so one guesser (already slowed per address) cannot make the owner at a clean address wait.
 * Past the limit every failure counts, so many addresses together still slow down.
 */
export const ACCOUNT_SHARE_PER_ADDRESS = 3;

const MINUTE = 60_000;

export function passwordFailurePolicy(limits: {
  freeFailuresPerAccountAndAddress: number;
  freeFailuresPerAddress: number;
  freeFailuresPerAccount: number;
}): PasswordFailurePolicy {
  const backoff = (freeFailures: number): BackoffRule => ({
    freeFailures,
    baseDelayMs: 1_000,
    maxDelayMs: 15 * MINUTE,
  });
  return {
    perAccountAndAddress: backoff(limits.freeFailuresPerAccountAndAddress),
    perAddress: backoff(limits.freeFailuresPerAddress),
    perAccount: backoff(limits.freeFailuresPerAccount),
    forgetAfterMs: 60 * MINUTE,
    knownAddressTtlMs: 30 * 24 * 60 * MINUTE,
  };
}

export interface PasswordAttempts {
  store: PasswordFailureStore;
  policy: PasswordFailurePolicy;
  now: () => Date;
}

/**
 * The address failures are counted against: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * since one subscriber usually holds a whole /64 and could otherwise pick a fresh address per guess.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip.slice(0, 64);
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(":")}::/64`;
}

/**
 * The bucket of an account name from user input. Folded further than any homeserver folds names
 * (compatibility forms, accents, case), so no spelling a database might match to an account gets
 * a bucket of its own; long junk shares one, which is harmless.
 */
export function accountKey(name: string): string {
  return name
    .slice(0, 1024)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .trim()
    .toLowerCase()
    .slice(0, 255);
}

/** The wait a rule imposes after `count`, or undefined if none. */
function blockedUntil(count: FailureCount | undefined, rule: BackoffRule): Date | undefined {
  if (!count || count.failures < rule.freeFailures) return undefined;
  const doublings = Math.min(count.failures - rule.freeFailures, 40);
  const delay = Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** doublings);
  return new Date(count.lastFailureAt.getTime() + delay);
}

function plusOne(count: FailureCount | undefined, now: Date): FailureCount {
  return { failures: (count?.failures ?? 0) + 1, lastFailureAt: now };
}

/**
 * Takes back a failure counted at `countedAt`. If nobody failed since, the wait also goes back
 * to what it was before, so an attempt that was not a failure never prolongs it.
 */
function takeBack(
  count: FailureCount | undefined,
  countedAt: Date,
  before: FailureCount | undefined,
): FailureCount | undefined {
  if (!count || count.failures <= 1) return undefined;
  const untouched = before && count.lastFailureAt.getTime() === countedAt.getTime();
  return {
    failures: count.failures - 1,
    lastFailureAt: untouched ? before.lastFailureAt : count.lastFailureAt,
  };
}

/** How a password check ended: `void` when no verdict came (a fault, a refusal before checking). */
export type AttemptOutcome = "success" | "failure" | "void";

/** A password attempt the policy let through, counted as a failure until settled otherwise. */
export interface PasswordAttempt {
  settle(outcome: AttemptOutcome): Promise<void>;
}

/**
 * Lets a password attempt through or refuses it for now. The attempt is counted as a failure
 * at once, so parallel guesses are counted before any of them is checked; `settle` takes the
 * count back for a success (or an attempt that got no verdict).
 * @throws Refusal `rate_limited` with the time until this account and address may try again
 */
export async function beginPasswordAttempt(
  ctx: PasswordAttempts,
  who: { account: string; ip: string },
): Promise<PasswordAttempt> {
  const { store, policy } = ctx;
  const account = accountKey(who.account);
  const address = addressKey(who.ip);
  const buckets = {
    pair: `pair:${account}\n${address}`,
    address: `address:${address}`,
    account: `account:${account}`,
  };
  const start = ctx.now();
  const known = await store.isKnownAddress(
    account,
    address,
    new Date(start.getTime() - policy.knownAddressTtlMs),
  );

  type Reservation =
    | { retryAfterMs: number }
    | {
        countsForAccount: boolean;
        countedAt: Date;
        before: Record<keyof typeof buckets, FailureCount | undefined>;
      };
  const outcome = await store.update<Reservation>(Object.values(buckets), (stored) => {
    const now = ctx.now();
    const live = (bucket: string) => {
      const count = stored.get(bucket);
      return count && now.getTime() - count.lastFailureAt.getTime() <= policy.forgetAfterMs
        ? count
        : undefined;
    };
    const pair = live(buckets.pair);
    const perAddress = live(buckets.address);
    const perAccount = live(buckets.account);
    // An address the account signed in from is held back by its own failures only.
    const waits = [blockedUntil(pair, policy.perAccountAndAddress)];
    if (!known) {
      waits.push(
        blockedUntil(perAddress, policy.perAddress),
        blockedUntil(perAccount, policy.perAccount),
      );
    }
    const until = Math.max(0, ...waits.map((date) => date?.getTime() ?? 0));
    if (until > now.getTime()) {
      return { changes: new Map(), result: { retryAfterMs: until - now.getTime() } };
    }
    const nextPair = plusOne(pair, now);
    const countsForAccount =
      nextPair.failures <= ACCOUNT_SHARE_PER_ADDRESS ||
      (perAccount?.failures ?? 0) >= policy.perAccount.freeFailures;
    const changes: FailureChanges = new Map([
      [buckets.pair, nextPair],
      [buckets.address, plusOne(perAddress, now)],
    ]);
    if (countsForAccount) changes.set(buckets.account, plusOne(perAccount, now));
    return {
      changes,
      result: {
        countsForAccount,
        countedAt: now,
        before: { pair, address: perAddress, account: perAccount },
      },
    };
  });

  if ("retryAfterMs" in outcome) {
    // A refused attempt is not counted: waiting it out is all it takes.
    throw new Refusal("rate_limited", "Too many failed sign-in attempts. Try again later.", {
      retryAfterMs: outcome.retryAfterMs,
    });
  }
  const { countsForAccount, countedAt, before } = outcome;
  let settled = false;
  return {
    async settle(result) {
      if (settled || result === "failure") {
        settled = true;
        return;
      }
      settled = true;
      await store.update(Object.values(buckets), (stored) => {
        const undo = (name: keyof typeof buckets) =>
          takeBack(stored.get(buckets[name]), countedAt, before[name]);
        const changes: FailureChanges = new Map([
          // A success wipes this address's failures on the account; `void` only takes one back.
          [buckets.pair, result === "success" ? undefined : undo("pair")],
          [buckets.address, undo("address")],
        ]);
        if (countsForAccount) changes.set(buckets.account, undo("account"));
        return { changes, result: undefined };
      });
      if (result === "success") await store.rememberAddress(account, address, ctx.now());
    },
  };
}

/** Forgets counts and addresses the policy no longer looks at. */
export function prunePasswordFailures(ctx: PasswordAttempts): Promise<number> {
  const now = ctx.now().getTime();
  return ctx.store.prune(
    new Date(now - ctx.policy.forgetAfterMs),
    new Date(now - ctx.policy.knownAddressTtlMs),
  );
}
