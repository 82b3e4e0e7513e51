import { describe, expect, it } from "vitest";
import type { AccountRecord } from "../store/accountStore.js";
import { createTestAuth, SERVER_NAME } from "../testing/authHarness.js";
import { DAY_MS } from "./authContext.js";
import { Refusal } from "./refusal.js";
import { authenticate, refreshSession, startSession } from "./sessions.js";

const HOUR_MS = 60 * 60_000;

/** An account signed in once, with a settable session lifetime and a test clock. */
async function signedIn(lifetimeDays = 90) {
  const t = createTestAuth({ settings: { sessionMaxLifetimeMs: lifetimeDays * DAY_MS } });
  const account: AccountRecord = await t.accounts.createAccount(
    { username: "ana", displayName: "Ana", passwordHash: "$argon2id$test", role: "user" },
    async () => {},
  );
  const first = await startSession(t.auth, account, "test");
  return { ...t, account, first };
}

const refusalCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: unknown) => (error instanceof Refusal ? error.reason : `threw ${String(error)}`),
  );

describe("refreshSession and the absolute session lifetime", () => {
  it("keeps a session alive by refreshing until 90 days after the first sign-in, not after", async () => {
    const t = await signedIn();
    const startedAt = t.clock.now().getTime();
    let token = t.first.refreshToken;
    // A learner who comes back every 20 days: each refresh alone would extend 30 more days.
    for (let day = 20; day < 90; day += 20) {
      t.clock.advance(20 * DAY_MS);
      const { session } = await refreshSession(t.auth, token);
      expect(session.family).toEqual(t.first.family);
      // The cookie never outlives the session itself.
      expect(session.refreshExpiresAt.getTime()).toBeLessThanOrEqual(startedAt + 90 * DAY_MS);
      token = session.refreshToken;
    }
    // Day 80 was the last refresh; its token would be valid until day 90 at most.
    t.clock.advance(10 * DAY_MS - HOUR_MS);
    const lastHour = await refreshSession(t.auth, token);
    expect(lastHour.session.refreshExpiresAt.getTime()).toBe(startedAt + 90 * DAY_MS);
    token = lastHour.session.refreshToken;

    t.clock.advance(HOUR_MS);
    expect(await refusalCode(refreshSession(t.auth, token))).toBe("unknown_session");
    // The family is revoked, its access token no longer works and its Matrix device is gone.
    expect(await refusalCode(authenticate(t.auth, lastHour.session.accessToken))).toBe(
      "unknown_session",
    );
    expect([...t.sessions.tokens.values()].every((row) => row.revokedAt !== undefined)).toBe(true);
    expect(t.synapse.calls).toContainEqual({
      op: "deleteDevice",
      userId: `@ana:${SERVER_NAME}`,
      deviceId: t.first.family.deviceId,
    });
  });

  it("ends API access at the lifetime, not when the last access token runs out", async () => {
    const t = await signedIn(7);
    t.clock.advance(7 * DAY_MS - 5 * 60_000);
    const { session } = await refreshSession(t.auth, t.first.refreshToken);
    expect((await authenticate(t.auth, session.accessToken)).family).toEqual(t.first.family);
    // 15-minute access token, 10 minutes left on it, but the session is over.
    t.clock.advance(5 * 60_000);
    expect(await refusalCode(authenticate(t.auth, session.accessToken))).toBe("unknown_session");
  });

  it("takes the lifetime from the settings", async () => {
    const t = await signedIn(7);
    t.clock.advance(6 * DAY_MS);
    const { session } = await refreshSession(t.auth, t.first.refreshToken);
    t.clock.advance(DAY_MS);
    expect(await refusalCode(refreshSession(t.auth, session.refreshToken))).toBe("unknown_session");
  });

  it("lets a new sign-in start a new lifetime", async () => {
    const t = await signedIn();
    t.clock.advance(91 * DAY_MS);
    const again = await startSession(t.auth, t.account, "test");
    t.clock.advance(DAY_MS);
    const { session } = await refreshSession(t.auth, again.refreshToken);
    expect(session.family.familyId).toBe(again.family.familyId);
  });

  it("still treats a rotated token's reuse as theft within the lifetime", async () => {
    const t = await signedIn();
    t.clock.advance(DAY_MS);
    const { session } = await refreshSession(t.auth, t.first.refreshToken);
    expect(await refusalCode(refreshSession(t.auth, t.first.refreshToken))).toBe("unknown_session");
    expect(await refusalCode(refreshSession(t.auth, session.refreshToken))).toBe("unknown_session");
  });
});
