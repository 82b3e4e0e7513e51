import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../cli.js";
import { signUp } from "../../domain/accounts.js";
import type { AuthContext } from "../../domain/authContext.js";
import { hashRefreshToken } from "../../domain/sessions.js";
import { createInMemorySynapseAdmin } from "../../matrix/inMemorySynapseAdmin.js";
import { createTestAuth, GOOD_PASSWORD, SERVER_NAME } from "../../testing/authHarness.js";
import { openMigratedTestPool, testDatabaseUrl } from "../../testing/pgHarness.js";
import { UsernameTakenError } from "../accountStore.js";
import type { SessionFamily } from "../sessionStore.js";
import { createPgAccountStore } from "./accountStore.js";
import { createPgLoginTokenStore } from "./loginTokenStore.js";
import { createPgRateLimitStore } from "./rateLimitStore.js";
import { createPgSessionStore } from "./sessionStore.js";

describe("PostgreSQL account, session, login-token and rate-limit stores", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 10 });
  });

  beforeEach(async () => {
    await pool.query("TRUNCATE accounts, refresh_tokens, synapse_login_tokens, rate_limit_windows");
  });

  afterAll(async () => {
    await pool?.end();
  });

  const accountRows = async () =>
    (await pool.query("SELECT username, role FROM accounts ORDER BY username")).rows;

  /** Sign-up wired to the real account store and a fake Synapse. */
  function pgAuth(): AuthContext & { synapse: ReturnType<typeof createInMemorySynapseAdmin> } {
    const { auth } = createTestAuth();
    return {
      ...auth,
      accounts: createPgAccountStore(pool),
      synapse: createInMemorySynapseAdmin(SERVER_NAME),
    };
  }

  const newAccount = (username: string) => ({
    username,
    displayName: username,
    passwordHash: "$argon2id$test",
    role: "user" as const,
  });

  describe("accounts and sign-up", () => {
    it("commits an account only after its confirm step succeeds", async () => {
      const store = createPgAccountStore(pool);
      const created = await store.createAccount(newAccount("ana"), async (account) => {
        // Not visible to others until the commit.
        expect(
          (await pool.query("SELECT 1 FROM accounts WHERE id = $1", [account.id])).rowCount,
        ).toBe(0);
      });
      expect(await store.findByUsername("ana")).toEqual(created);
      expect(await store.findById(created.id)).toEqual(created);
      await expect(store.createAccount(newAccount("ana"), async () => {})).rejects.toBeInstanceOf(
        UsernameTakenError,
      );
    });

    it("leaves no row when the Synapse step of sign-up throws", async () => {
      const auth = pgAuth();
      auth.synapse.failNext("registerUser");
      await expect(
        signUp(
          auth,
          { username: "ana", password: GOOD_PASSWORD, displayName: "Ana" },
          { ip: "::1" },
        ),
      ).rejects.toThrow(/registerUser failed/);
      expect(await accountRows()).toEqual([]);
      // The name is free again.
      await signUp(
        auth,
        { username: "ana", password: GOOD_PASSWORD, displayName: "Ana" },
        { ip: "::1" },
      );
      expect(await accountRows()).toEqual([{ username: "ana", role: "user" }]);
    });

    it("deactivates the Matrix user when the commit fails after Synapse succeeded", async () => {
      const auth = pgAuth();
      const register = auth.synapse.registerUser.bind(auth.synapse);
      auth.synapse.registerUser = async (user) => {
        const result = await register(user);
        // The sign-up transaction now sits idle; cut its connection so COMMIT fails.
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND state = 'idle in transaction'
             AND pid <> pg_backend_pid()`,
        );
        return result;
      };
      await expect(
        signUp(
          auth,
          { username: "ana", password: GOOD_PASSWORD, displayName: "Ana" },
          { ip: "::1" },
        ),
      ).rejects.toThrow();
      expect(await accountRows()).toEqual([]);
      expect(auth.synapse.users.get("@ana:localhost")?.deactivated).toBe(true);
    });

    it("lets one of two concurrent sign-ups for a name win, the other sees it taken", async () => {
      const store = createPgAccountStore(pool);
      const slowConfirm = () => new Promise<void>((resolve) => setTimeout(resolve, 100));
      const outcomes = await Promise.allSettled([
        store.createAccount(newAccount("ana"), slowConfirm),
        store.createAccount(newAccount("ana"), slowConfirm),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
      const rejected = outcomes.find((o) => o.status === "rejected");
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(UsernameTakenError);
    });

    it("re-hashes only over the expected hash, and sets roles", async () => {
      const store = createPgAccountStore(pool);
      const account = await store.createAccount(newAccount("ana"), async () => {});
      await store.rehashPassword(account.id, "stale", "$argon2id$other");
      expect((await store.findById(account.id))?.passwordHash).toBe("$argon2id$test");
      await store.rehashPassword(account.id, "$argon2id$test", "$argon2id$new");
      expect((await store.findById(account.id))?.passwordHash).toBe("$argon2id$new");
      expect((await store.setRole("ana", "moderator"))?.role).toBe("moderator");
      expect(await store.setRole("nobody", "admin")).toBeUndefined();
    });

    it("set-role CLI changes the role, or exits 1 for an unknown account", async () => {
      await createPgAccountStore(pool).createAccount(newAccount("ana"), async () => {});
      const out: string[] = [];
      const err: string[] = [];
      const run = (args: string[]) =>
        runCli(
          args,
          { DATABASE_URL: testDatabaseUrl() },
          (l) => out.push(l),
          (l) => err.push(l),
        );
      expect(await run(["set-role", " ANA ", "admin"])).toBe(0);
      expect(out).toEqual(["ana now has role admin"]);
      expect(await accountRows()).toEqual([{ username: "ana", role: "admin" }]);
      expect(await run(["set-role", "ghost", "admin"])).toBe(1);
      expect(err).toEqual(["no such account: ghost"]);
    });

    it("enforces lower-case usernames and known roles in the schema itself", async () => {
      const insert = (username: string, role: string) =>
        pool.query(
          "INSERT INTO accounts (id, username, display_name, password_hash, role) VALUES ($1, $2, 'x', 'x', $3)",
          [randomUUID(), username, role],
        );
      await expect(insert("Ana", "user")).rejects.toThrow(/check constraint/);
      await expect(insert("ana", "owner")).rejects.toThrow(/check constraint/);
    });
  });

  describe("refresh tokens", () => {
    const NOW = new Date("2030-01-01T00:00:00Z");
    const later = (ms: number) => new Date(NOW.getTime() + ms);
    /** A rotation cut-off no family predates: the absolute lifetime plays no part. */
    const LONG_AGO = new Date("2000-01-01T00:00:00Z");
    const token = (name: string, expiresAt = later(30 * 24 * 3600_000)) => ({
      tokenHash: hashRefreshToken(name),
      expiresAt,
    });

    async function family(username = "ana"): Promise<SessionFamily> {
      const account = await createPgAccountStore(pool).createAccount(
        newAccount(username),
        async () => {},
      );
      const f = { familyId: randomUUID(), accountId: account.id, deviceId: "XSABCDEFGHIJ" };
      await createPgSessionStore(pool).createFamily(
        { ...f, userAgent: "x".repeat(600) },
        token(`${username}-1`),
        NOW,
      );
      return f;
    }

    it("rotates, then treats the old token's reuse as theft and revokes the family", async () => {
      const store = createPgSessionStore(pool);
      const f = await family();
      expect(await store.findLiveFamily(f.familyId, NOW)).toEqual(f);
      expect(
        await store.rotate(hashRefreshToken("ana-1"), token("ana-2"), later(1), LONG_AGO),
      ).toEqual({
        outcome: "rotated",
        family: f,
        startedAt: NOW,
      });
      expect(await store.findLiveFamily(f.familyId, later(2))).toEqual(f);
      expect(
        await store.rotate(hashRefreshToken("ana-1"), token("ana-3"), later(3), LONG_AGO),
      ).toEqual({
        outcome: "reused",
        family: f,
      });
      expect(await store.findLiveFamily(f.familyId, later(4))).toBeUndefined();
      expect(
        (await store.rotate(hashRefreshToken("ana-2"), token("ana-4"), later(5), LONG_AGO)).outcome,
      ).toBe("invalid");
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n, count(revoked_at)::int AS revoked, max(length(user_agent))::int AS ua FROM refresh_tokens",
      );
      expect(rows[0]).toEqual({ n: 2, revoked: 2, ua: 512 });
    });

    it("lets exactly one of several concurrent refreshes of one token succeed", async () => {
      const store = createPgSessionStore(pool);
      const f = await family();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.rotate(hashRefreshToken("ana-1"), token(`ana-next-${i}`), later(1), LONG_AGO),
        ),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === "rotated")).toHaveLength(1);
      // The first loser sees the rotation (a reuse) and revokes the family; later ones then
      // find a revoked token. Either way the winner's new token is dead too.
      expect(outcomes.filter((o) => o === "reused").length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => o !== "rotated" && o !== "reused")).toEqual(
        outcomes.filter((o) => o === "invalid"),
      );
      expect(await store.findLiveFamily(f.familyId, later(2))).toBeUndefined();
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM refresh_tokens WHERE rotated_at IS NULL AND revoked_at IS NULL",
      );
      expect(rows[0].n).toBe(0);
    });

    it("ends a family that began at or before the cut-off, keeping its start across rotations", async () => {
      const store = createPgSessionStore(pool);
      const f = await family();
      const day = 24 * 3600_000;
      const rotated = await store.rotate(
        hashRefreshToken("ana-1"),
        token("ana-2", later(50 * day)),
        later(20 * day),
        later(20 * day - 90 * day),
      );
      expect(rotated).toEqual({ outcome: "rotated", family: f, startedAt: NOW });
      const { rows } = await pool.query(
        "SELECT DISTINCT session_started_at FROM refresh_tokens WHERE family_id = $1",
        [f.familyId],
      );
      expect(rows).toEqual([{ session_started_at: NOW }]);
      // Live for a cut-off before its start, not for one at or after it.
      expect(await store.findLiveFamily(f.familyId, later(21 * day), later(-1))).toEqual(f);
      expect(await store.findLiveFamily(f.familyId, later(21 * day), NOW)).toBeUndefined();
      // Day 40, with a 30-day lifetime: the family is over although its token has not expired.
      expect(
        await store.rotate(
          hashRefreshToken("ana-2"),
          token("ana-3"),
          later(40 * day),
          later(10 * day),
        ),
      ).toEqual({ outcome: "ended", family: f });
      expect(await store.findLiveFamily(f.familyId, later(40 * day))).toBeUndefined();
      expect(await store.findLiveFamily(f.familyId, later(40 * day), LONG_AGO)).toBeUndefined();
      const tokens = await pool.query(
        "SELECT count(*)::int AS n, count(revoked_at)::int AS revoked FROM refresh_tokens",
      );
      expect(tokens.rows[0]).toEqual({ n: 2, revoked: 2 });
    });

    it("refuses expired and unknown tokens without touching the family", async () => {
      const store = createPgSessionStore(pool);
      const f = await family();
      expect(
        (await store.rotate(hashRefreshToken("nope"), token("x"), NOW, LONG_AGO)).outcome,
      ).toBe("invalid");
      const expiry = later(30 * 24 * 3600_000);
      expect(
        (await store.rotate(hashRefreshToken("ana-1"), token("x"), expiry, LONG_AGO)).outcome,
      ).toBe("invalid");
      expect(await store.findFamilyByToken(hashRefreshToken("ana-1"))).toEqual(f);
    });

    it("revokes the other families of an account, and prunes old rows", async () => {
      const store = createPgSessionStore(pool);
      const mine = await family();
      const other = { ...mine, familyId: randomUUID(), deviceId: "XSOTHERDEVICE" };
      await store.createFamily({ ...other, userAgent: undefined }, token("ana-other"), NOW);
      const stranger = await family("ben");
      expect(await store.revokeOtherFamilies(mine.accountId, mine.familyId, later(1))).toEqual([
        other,
      ]);
      expect(await store.findLiveFamily(mine.familyId, later(2))).toEqual(mine);
      expect(await store.findLiveFamily(other.familyId, later(2))).toBeUndefined();
      expect(await store.findLiveFamily(stranger.familyId, later(2))).toEqual(stranger);

      expect(await store.prune(later(3), later(0))).toBe(0);
      expect(await store.prune(later(3), later(2))).toBe(1); // the revoked one
      expect(await store.prune(later(30 * 24 * 3600_000), NOW)).toBe(2); // expired
    });
  });

  describe("Synapse login token ids", () => {
    it("records each jti once, even under concurrent use, and forgets expired ones", async () => {
      const store = createPgLoginTokenStore(pool);
      const now = new Date("2030-01-01T00:00:00Z");
      const exp = new Date(now.getTime() + 60_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.markUsed("jti-1", exp, now)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.markUsed("jti-1", exp, now)).toBe(false);
      expect(await store.markUsed("jti-2", exp, now)).toBe(true);
      expect(await store.prune(now)).toBe(0);
      expect(await store.prune(new Date(exp.getTime() + 1))).toBe(2);
    });
  });

  describe("rate-limit windows", () => {
    it("counts concurrent hits exactly and opens a new window when one ends", async () => {
      const store = createPgRateLimitStore(pool);
      const now = new Date("2030-01-01T00:00:00Z");
      const hits = await Promise.all(
        Array.from({ length: 8 }, () => store.hit("login:ip:203.0.113.5", 60_000, now)),
      );
      expect(hits.map((h) => h.hits).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await store.peek("login:ip:203.0.113.5", now)).toEqual({
        hits: 8,
        endsAt: new Date(now.getTime() + 60_000),
      });
      const next = new Date(now.getTime() + 60_000);
      expect(await store.peek("login:ip:203.0.113.5", next)).toBeUndefined();
      expect(await store.hit("login:ip:203.0.113.5", 60_000, next)).toEqual({
        hits: 1,
        endsAt: new Date(next.getTime() + 60_000),
      });
      expect(await store.prune(new Date(next.getTime() + 60_000))).toBe(1);
    });
  });
});
