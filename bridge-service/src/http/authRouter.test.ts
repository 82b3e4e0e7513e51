import jwt from "jsonwebtoken";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { passwordFailurePolicy } from "../domain/passwordFailures.js";
import { authRateLimitRules } from "../domain/rateLimits.js";
import { HomeserverError } from "../matrix/homeserver.js";
import {
  createTestApp,
  GOOD_PASSWORD,
  PUBLIC_URL,
  SAME_ORIGIN,
  SYNAPSE_JWT_AUDIENCE,
  SYNAPSE_JWT_ISSUER,
  SYNAPSE_JWT_SECRET,
  setCookies,
} from "../testing/authHarness.js";

type TestApp = ReturnType<typeof createTestApp>;
type Agent = ReturnType<typeof request.agent>;

const limits = (overrides: Partial<Parameters<typeof authRateLimitRules>[0]>) =>
  authRateLimitRules({
    signupsPerIpPerHour: 1_000,
    loginsPerIpPerMinute: 1_000,
    ...overrides,
  });

/** Tests that check many passwords: argon2 on two busy cores can take 100 ms each. */
const ARGON2_HEAVY_TIMEOUT_MS = 30_000;

const lenientPasswordPolicy = passwordFailurePolicy({
  freeFailuresPerAccountAndAddress: 1_000,
  freeFailuresPerAddress: 1_000,
  freeFailuresPerAccount: 1_000,
});

const signUp = (agent: Agent | TestApp["app"], fields: Record<string, unknown> = {}) =>
  (typeof agent === "function" ? request(agent) : agent)
    .post("/api/auth/signup")
    .set(SAME_ORIGIN)
    .send({ username: "ana", password: GOOD_PASSWORD, displayName: "Ana", ...fields });

const logIn = (agent: Agent | TestApp["app"], username = "ana", password = GOOD_PASSWORD) =>
  (typeof agent === "function" ? request(agent) : agent)
    .post("/api/auth/login")
    .set(SAME_ORIGIN)
    .send({ username, password });

/** A browser: its own cookie jar, signed up (first) or signed in as `username`. */
async function browser(t: TestApp, username = "ana"): Promise<Agent> {
  const agent = request.agent(t.app);
  const existing = await t.accounts.findByUsername(username);
  const res = existing ? await logIn(agent, username) : await signUp(agent, { username });
  expect(res.status).toBeLessThan(300);
  return agent;
}

const familiesOf = (t: TestApp) => new Set([...t.sessions.tokens.values()].map((r) => r.familyId));

describe("POST /api/auth/signup", () => {
  it("creates the account and the Matrix user, and signs in with HTTP-only cookies", async () => {
    const t = createTestApp();
    const res = await signUp(t.app, { username: "  Ana.Garcia ", displayName: " Ana García " });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: {
        username: "ana.garcia",
        displayName: "Ana García",
        role: "user",
        matrixUserId: "@ana.garcia:localhost",
      },
    });
    expect(res.headers["cache-control"]).toBe("no-store");

    const cookies = setCookies(res.headers["set-cookie"]);
    expect(cookies.xs_access?.attributes).toMatchObject({
      path: "/api",
      httponly: true,
      samesite: "Strict",
    });
    expect(cookies.xs_refresh?.attributes).toMatchObject({
      path: "/api/auth",
      httponly: true,
      samesite: "Strict",
    });
    // PUBLIC_URL is http://localhost: Secure would stop the browser sending them back.
    expect(cookies.xs_access?.attributes.secure).toBeUndefined();
    const refreshExpiry = Date.parse(String(cookies.xs_refresh?.attributes.expires));
    expect(refreshExpiry - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);

    const [account] = t.accounts.accounts.values();
    expect(account?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(t.synapse.users.get("@ana.garcia:localhost")).toMatchObject({
      password: GOOD_PASSWORD,
      displayName: "Ana García",
      deactivated: false,
    });
  });

  it("never takes a role from the request", async () => {
    const t = createTestApp();
    const res = await signUp(t.app, { role: "admin" });
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe("user");
  });

  const tenMegabytes = "x".repeat(10 * 1024 * 1024);
  it.each<[string, Record<string, unknown>, number, string, string | undefined]>([
    ["empty username", { username: "" }, 400, "M_INVALID_USERNAME", "username"],
    ["too long username", { username: "a".repeat(33) }, 400, "M_INVALID_USERNAME", "username"],
    ["numeric username", { username: 42 }, 400, "M_BAD_JSON", "username"],
    ["null password", { password: null }, 400, "M_BAD_JSON", "password"],
    ["array display name", { displayName: ["Ana"] }, 400, "M_BAD_JSON", "displayName"],
    ["missing password", { password: undefined }, 400, "M_BAD_JSON", "password"],
    [
      "Cyrillic look-alike аdmin",
      { username: "\u0430dmin" },
      400,
      "M_INVALID_USERNAME",
      "username",
    ],
    [
      "SQL injection",
      { username: "a'; DROP TABLE accounts;--" },
      400,
      "M_INVALID_USERNAME",
      "username",
    ],
    [
      "HTML injection",
      { username: "<img src=x onerror=alert(1)>" },
      400,
      "M_INVALID_USERNAME",
      "username",
    ],
    ["reserved name", { username: "admin" }, 400, "M_EXCLUSIVE", "username"],
    ["appservice namespace", { username: "xstream_bot" }, 400, "M_EXCLUSIVE", "username"],
    ["short password", { password: "short" }, 400, "M_WEAK_PASSWORD", "password"],
    ["common password", { password: "Password123" }, 400, "M_WEAK_PASSWORD", "password"],
    [
      "password containing the username",
      { password: "ana-is-great-1" },
      400,
      "M_WEAK_PASSWORD",
      "password",
    ],
    ["empty display name", { displayName: "  " }, 400, "M_BAD_JSON", "displayName"],
    [
      "control character in display name",
      { displayName: "A\u0007na" },
      400,
      "M_BAD_JSON",
      "displayName",
    ],
    ["10 MB body", { displayName: tenMegabytes }, 413, "M_TOO_LARGE", undefined],
    ["17 KiB body", { displayName: "x".repeat(17 * 1024) }, 413, "M_TOO_LARGE", undefined],
  ])("refuses %s, writing nothing", async (_label, fields, status, errcode, field) => {
    const t = createTestApp();
    const res = await signUp(t.app, fields);
    expect(res.status).toBe(status);
    expect(res.body.errcode).toBe(errcode);
    expect(res.body.field).toBe(field);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(t.accounts.accounts.size).toBe(0);
    expect(t.synapse.users.size).toBe(0);
  });

  it("refuses malformed JSON and non-JSON bodies with M_NOT_JSON", async () => {
    const t = createTestApp();
    const malformed = await request(t.app)
      .post("/api/auth/signup")
      .set(SAME_ORIGIN)
      .set("Content-Type", "application/json")
      .send('{"username": "ana",');
    expect([malformed.status, malformed.body.errcode]).toEqual([400, "M_NOT_JSON"]);
    const text = await request(t.app)
      .post("/api/auth/signup")
      .set(SAME_ORIGIN)
      .set("Content-Type", "text/plain")
      .send("username=ana");
    expect([text.status, text.body.errcode]).toEqual([400, "M_NOT_JSON"]);
    const array = await request(t.app).post("/api/auth/signup").set(SAME_ORIGIN).send([1, 2]);
    expect([array.status, array.body.errcode]).toEqual([400, "M_BAD_JSON"]);
    expect(t.accounts.accounts.size).toBe(0);
  });

  it("refuses a taken username, case-insensitively, with 409 M_USER_IN_USE", async () => {
    const t = createTestApp();
    expect((await signUp(t.app)).status).toBe(201);
    const res = await signUp(t.app, { username: "ANA" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errcode: "M_USER_IN_USE", field: "username" });
    expect(t.accounts.accounts.size).toBe(1);
  });

  it("maps Synapse's M_USER_IN_USE to 409 and keeps no account", async () => {
    const t = createTestApp();
    t.synapse.failNext("registerUser", new HomeserverError(400, "M_USER_IN_USE", "taken"));
    const res = await signUp(t.app);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errcode: "M_USER_IN_USE", field: "username" });
    expect(t.accounts.accounts.size).toBe(0);
  });

  it("keeps no account when Synapse fails, and the name stays free", async () => {
    const t = createTestApp();
    t.synapse.failNext("registerUser");
    const res = await signUp(t.app);
    expect(res.status).toBe(500);
    expect(res.body.errcode).toBe("M_UNKNOWN");
    expect(t.accounts.accounts.size).toBe(0);
    expect((await signUp(t.app)).status).toBe(201);
  });

  it("deactivates the new Matrix user when the commit fails after Synapse succeeded", async () => {
    const t = createTestApp();
    t.accounts.failNextCommit();
    const res = await signUp(t.app);
    expect(res.status).toBe(500);
    expect(t.accounts.accounts.size).toBe(0);
    expect(t.synapse.calls).toEqual([
      { op: "registerUser", userId: "@ana:localhost" },
      { op: "deactivateUser", userId: "@ana:localhost" },
    ]);
  });

  it("limits sign-ups per address with 429, Retry-After and retry_after_ms", async () => {
    const t = createTestApp({ settings: { rateLimits: limits({ signupsPerIpPerHour: 2 }) } });
    const from = (ip: string, username: string) =>
      signUp(t.app, { username }).set("X-Forwarded-For", ip);
    expect((await from("203.0.113.7", "ana")).status).toBe(201);
    expect((await from("203.0.113.7", "ben")).status).toBe(201);
    const limited = await from("203.0.113.7", "cai");
    expect(limited.status).toBe(429);
    expect(limited.body.errcode).toBe("M_LIMIT_EXCEEDED");
    expect(limited.body.retry_after_ms).toBeGreaterThan(59 * 60_000);
    expect(Number(limited.headers["retry-after"])).toBe(3600);
    expect(t.accounts.accounts.size).toBe(2);
    expect((await from("198.51.100.1", "cai")).status).toBe(201);
    // A new window opens after an hour.
    t.clock.advance(3600_000);
    expect((await from("203.0.113.7", "dee")).status).toBe(201);
  });
});

describe("POST /api/auth/login", () => {
  it("signs in case-insensitively and opens a new session family with its own device", async () => {
    const t = createTestApp();
    await signUp(t.app);
    const res = await logIn(t.app, " ANA ");
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      username: "ana",
      displayName: "Ana",
      role: "user",
      matrixUserId: "@ana:localhost",
    });
    expect(Object.keys(setCookies(res.headers["set-cookie"])).sort()).toEqual([
      "xs_access",
      "xs_refresh",
    ]);
    const devices = new Set([...t.sessions.tokens.values()].map((row) => row.deviceId));
    expect(devices.size).toBe(2);
    for (const device of devices) expect(device).toMatch(/^XS[A-Z]{10}$/);
  });

  it("answers with a first Matrix login token for the new session's own device", async () => {
    const t = createTestApp();
    await signUp(t.app);
    const before = new Set([...t.sessions.tokens.values()].map((row) => row.deviceId));
    const res = await logIn(t.app, "ana");
    expect(res.status).toBe(200);
    const device = [...t.sessions.tokens.values()]
      .map((row) => row.deviceId)
      .find((id) => !before.has(id));
    expect(res.body.matrix).toMatchObject({
      device_id: device,
      user_id: "@ana:localhost",
      homeserver_url: PUBLIC_URL,
    });
    const claims = jwt.verify(res.body.matrix.token, SYNAPSE_JWT_SECRET, {
      algorithms: ["HS256"],
      issuer: SYNAPSE_JWT_ISSUER,
      audience: SYNAPSE_JWT_AUDIENCE,
    }) as jwt.JwtPayload;
    expect(claims.sub).toBe("ana");
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(60);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("gives no Matrix login token for a wrong password", async () => {
    const t = createTestApp();
    await signUp(t.app);
    const res = await logIn(t.app, "ana", "not-the-password-1");
    expect(res.status).toBe(403);
    expect(res.body.matrix).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
  });

  it("gives unknown users and wrong passwords the same answer", async () => {
    const t = createTestApp();
    await signUp(t.app);
    const wrongPassword = await logIn(t.app, "ana", "not-the-password-1");
    const unknownUser = await logIn(t.app, "nobody", GOOD_PASSWORD);
    const invalidName = await logIn(t.app, "<script>", GOOD_PASSWORD);
    for (const res of [wrongPassword, unknownUser, invalidName]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errcode: "M_FORBIDDEN", error: "Invalid username or password" });
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
  });

  it(
    "takes similar time for unknown users and wrong passwords",
    async () => {
      // Every guess is checked here; the failure policy has tests of its own.
      const t = createTestApp({ settings: { passwordPolicy: lenientPasswordPolicy } });
      await signUp(t.app);
      const timed = async (username: string) => {
        const start = performance.now();
        await logIn(t.app, username, "not-the-password-1");
        return performance.now() - start;
      };
      await timed("nobody"); // warm-up: the dummy hash is made on first use
      // Interleaved, so a pause (GC, another process) hits both series alike.
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 11; i++) {
        known.push(await timed("ana"));
        unknown.push(await timed("nobody"));
      }
      const median = (times: number[]) => times.sort((a, b) => a - b)[5] ?? 0;
      // Both pay one argon2 verification (~5 ms); without it an unknown user would take ~0.5 ms.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
      expect(median(unknown)).toBeLessThan(median(known) * 2);
    },
    ARGON2_HEAVY_TIMEOUT_MS,
  );

  it("limits logins per address", async () => {
    const t = createTestApp({ settings: { rateLimits: limits({ loginsPerIpPerMinute: 3 }) } });
    await signUp(t.app);
    const from = (ip: string) => logIn(t.app).set("X-Forwarded-For", ip);
    for (let i = 0; i < 3; i++) expect((await from("203.0.113.7")).status).toBe(200);
    const limited = await from("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(limited.body.errcode).toBe("M_LIMIT_EXCEEDED");
    expect(Number(limited.headers["retry-after"])).toBe(60);
    expect(limited.body.retry_after_ms).toBe(60_000);
    expect((await from("198.51.100.1")).status).toBe(200);
    t.clock.advance(60_000);
    expect((await from("203.0.113.7")).status).toBe(200);
  });

  it(
    "slows a password guesser with growing waits, never the owner at a clean address",
    async () => {
      const t = createTestApp();
      await signUp(t.app);
      const guess = () =>
        logIn(t.app, "ana", "wrong-password").set("X-Forwarded-For", "203.0.113.7");
      for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(403);
      const limited = await guess();
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ errcode: "M_LIMIT_EXCEEDED", retry_after_ms: 1_000 });
      expect(limited.headers["retry-after"]).toBe("1");
      // Even the right password waits at the guesser's address: the wait says nothing about it.
      expect((await logIn(t.app, "ana").set("X-Forwarded-For", "203.0.113.7")).status).toBe(429);
      // The owner elsewhere signs in, in any case.
      expect((await logIn(t.app, "ANA").set("X-Forwarded-For", "198.51.100.9")).status).toBe(200);
      t.clock.advance(1_000);
      expect((await guess()).status).toBe(403);
      expect((await guess()).body.retry_after_ms).toBe(2_000);
    },
    ARGON2_HEAVY_TIMEOUT_MS,
  );

  it(
    "slows guessing from many addresses on one account, unknown names included",
    async () => {
      const t = createTestApp();
      await signUp(t.app);
      expect((await logIn(t.app).set("X-Forwarded-For", "198.51.100.9")).status).toBe(200);
      for (const name of ["ana", "ghost"]) {
        const statuses = [];
        for (let i = 0; i < 12; i++) {
          const from = `203.0.113.${Math.floor(i / 3)}`;
          statuses.push((await logIn(t.app, name, "wrong").set("X-Forwarded-For", from)).status);
        }
        expect(statuses.filter((status) => status === 403)).toHaveLength(10);
        expect(statuses.slice(-2)).toEqual([429, 429]);
      }
      // A clean address waits a second; the address the owner signed in from does not.
      expect((await logIn(t.app).set("X-Forwarded-For", "192.0.2.1")).status).toBe(429);
      expect((await logIn(t.app).set("X-Forwarded-For", "198.51.100.9")).status).toBe(200);
      t.clock.advance(1_000);
      expect((await logIn(t.app).set("X-Forwarded-For", "192.0.2.1")).status).toBe(200);
    },
    ARGON2_HEAVY_TIMEOUT_MS,
  );
});

describe("GET /api/auth/session", () => {
  it("returns the user for a valid access cookie", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const res = await agent.get("/api/auth/session");
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe("ana");
  });

  it("answers 401 M_MISSING_TOKEN without a cookie and M_UNKNOWN_TOKEN for a bad one", async () => {
    const t = createTestApp();
    const none = await request(t.app).get("/api/auth/session");
    expect([none.status, none.body.errcode]).toEqual([401, "M_MISSING_TOKEN"]);
    const bad = await request(t.app)
      .get("/api/auth/session")
      .set("Cookie", "xs_access=abc.def.ghi");
    expect([bad.status, bad.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
  });

  it("expires the access cookie's token after 15 minutes", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    t.clock.advance(15 * 60_000 - 1_000);
    expect((await agent.get("/api/auth/session")).status).toBe(200);
    t.clock.advance(1_000);
    const res = await agent.get("/api/auth/session");
    expect([res.status, res.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
    // The refresh token still works and brings the session back.
    expect((await agent.post("/api/auth/refresh").set(SAME_ORIGIN)).status).toBe(200);
    expect((await agent.get("/api/auth/session")).status).toBe(200);
  });
});

describe("POST /api/auth/refresh", () => {
  it("rotates the refresh token and keeps the family and its device", async () => {
    const t = createTestApp();
    const signup = await signUp(t.app);
    const first = setCookies(signup.headers["set-cookie"]);
    const res = await request(t.app)
      .post("/api/auth/refresh")
      .set(SAME_ORIGIN)
      .set("Cookie", `xs_refresh=${first.xs_refresh?.value}`);
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe("ana");
    const second = setCookies(res.headers["set-cookie"]);
    expect(second.xs_refresh?.value).toBeDefined();
    expect(second.xs_refresh?.value).not.toBe(first.xs_refresh?.value);
    expect(second.xs_access?.value).toBeDefined();

    const rows = [...t.sessions.tokens.values()];
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.familyId)).size).toBe(1);
    expect(new Set(rows.map((row) => row.deviceId)).size).toBe(1);
    expect(rows.filter((row) => row.rotatedAt !== undefined)).toHaveLength(1);
    // Stored hashed: no row holds either token.
    for (const row of rows) {
      expect(row.tokenHash).not.toContain(String(first.xs_refresh?.value));
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("revokes the whole family and deletes its device when a rotated token is reused", async () => {
    const t = createTestApp();
    const signup = await signUp(t.app);
    const stolen = setCookies(signup.headers["set-cookie"]).xs_refresh?.value;
    const refresh = (token: string | undefined) =>
      request(t.app)
        .post("/api/auth/refresh")
        .set(SAME_ORIGIN)
        .set("Cookie", `xs_refresh=${token}`);

    const legit = await refresh(stolen);
    expect(legit.status).toBe(200);
    const current = setCookies(legit.headers["set-cookie"]);

    const reuse = await refresh(stolen);
    expect([reuse.status, reuse.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
    expect(setCookies(reuse.headers["set-cookie"]).xs_refresh?.value).toBe("");

    // The newest token and access cookie of the family are dead too.
    expect((await refresh(current.xs_refresh?.value)).status).toBe(401);
    const session = await request(t.app)
      .get("/api/auth/session")
      .set("Cookie", `xs_access=${current.xs_access?.value}`);
    expect([session.status, session.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);

    const [row] = t.sessions.tokens.values();
    expect(t.synapse.calls).toContainEqual({
      op: "deleteDevice",
      userId: "@ana:localhost",
      deviceId: row?.deviceId,
    });
  });

  it("answers 401 for a missing, unknown or expired refresh token", async () => {
    const t = createTestApp();
    const none = await request(t.app).post("/api/auth/refresh").set(SAME_ORIGIN);
    expect([none.status, none.body.errcode]).toEqual([401, "M_MISSING_TOKEN"]);
    const unknown = await request(t.app)
      .post("/api/auth/refresh")
      .set(SAME_ORIGIN)
      .set("Cookie", "xs_refresh=made-up");
    expect([unknown.status, unknown.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);

    const agent = await browser(t);
    // Only the server's clock moves, so the cookie jar still sends the cookie.
    t.clock.advance(30 * 24 * 3600_000);
    const expired = await agent.post("/api/auth/refresh").set(SAME_ORIGIN);
    expect(expired.status).toBe(401);
  });
});

describe("POST /api/auth/logout", () => {
  it("revokes the family, deletes its Matrix device and clears the cookies", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const [row] = t.sessions.tokens.values();
    const res = await agent.post("/api/auth/logout").set(SAME_ORIGIN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const cleared = setCookies(res.headers["set-cookie"]);
    expect(cleared.xs_access?.value).toBe("");
    expect(cleared.xs_refresh?.value).toBe("");
    expect(t.synapse.calls).toContainEqual({
      op: "deleteDevice",
      userId: "@ana:localhost",
      deviceId: row?.deviceId,
    });
    expect(row?.revokedAt).toBeDefined();
    expect((await agent.get("/api/auth/session")).status).toBe(401);
    expect((await agent.post("/api/auth/refresh").set(SAME_ORIGIN)).status).toBe(401);
  });

  it("ends the session even for a saved copy of the access cookie", async () => {
    const t = createTestApp();
    const signup = await signUp(t.app);
    const saved = setCookies(signup.headers["set-cookie"]);
    const cookie = `xs_access=${saved.xs_access?.value}; xs_refresh=${saved.xs_refresh?.value}`;
    expect(
      (await request(t.app).post("/api/auth/logout").set(SAME_ORIGIN).set("Cookie", cookie)).status,
    ).toBe(200);
    const res = await request(t.app)
      .get("/api/auth/session")
      .set("Cookie", `xs_access=${saved.xs_access?.value}`);
    expect([res.status, res.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
  });

  it("is idempotent, with or without cookies", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    expect((await agent.post("/api/auth/logout").set(SAME_ORIGIN)).status).toBe(200);
    expect((await agent.post("/api/auth/logout").set(SAME_ORIGIN)).body).toEqual({});
    const anonymous = await request(t.app).post("/api/auth/logout").set(SAME_ORIGIN);
    expect([anonymous.status, anonymous.body]).toEqual([200, {}]);
  });

  it("fails while Synapse cannot delete the device, and a retry finishes the job", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    t.synapse.failNext("deleteDevice");
    const failed = await agent.post("/api/auth/logout").set(SAME_ORIGIN);
    expect(failed.status).toBe(500);
    // Already revoked: the session is over whatever Synapse says.
    expect((await agent.get("/api/auth/session")).status).toBe(401);
    expect((await agent.post("/api/auth/logout").set(SAME_ORIGIN)).status).toBe(200);
    expect(t.synapse.calls.filter((call) => call.op === "deleteDevice")).toHaveLength(1);
  });
});

describe("POST /api/auth/password", () => {
  const change = (agent: Agent, currentPassword: string, newPassword: string) =>
    agent.post("/api/auth/password").set(SAME_ORIGIN).send({ currentPassword, newPassword });

  it("changes both passwords and ends every other session", async () => {
    const t = createTestApp();
    const laptop = await browser(t);
    const phone = await browser(t);
    expect(familiesOf(t).size).toBe(2);

    const res = await change(laptop, GOOD_PASSWORD, "a-brand-new-passphrase");
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe("ana");
    expect(t.synapse.users.get("@ana:localhost")?.password).toBe("a-brand-new-passphrase");
    expect(t.synapse.calls).toContainEqual({ op: "setPassword", userId: "@ana:localhost" });

    expect((await laptop.get("/api/auth/session")).status).toBe(200);
    expect((await laptop.post("/api/auth/refresh").set(SAME_ORIGIN)).status).toBe(200);
    expect((await phone.get("/api/auth/session")).status).toBe(401);
    expect((await phone.post("/api/auth/refresh").set(SAME_ORIGIN)).status).toBe(401);

    expect((await logIn(t.app, "ana", GOOD_PASSWORD)).status).toBe(403);
    expect((await logIn(t.app, "ana", "a-brand-new-passphrase")).status).toBe(200);
  });

  it("refuses a wrong current password with 403 naming currentPassword", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const res = await change(agent, "not-my-password", "a-brand-new-passphrase");
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errcode: "M_FORBIDDEN", field: "currentPassword" });
    expect(t.synapse.calls.some((call) => call.op === "setPassword")).toBe(false);
  });

  it(
    "counts wrong current passwords with failed logins, under one policy",
    async () => {
      const t = createTestApp();
      const agent = await browser(t);
      for (let i = 0; i < 3; i++) {
        expect((await change(agent, `wrong-one-${i}`, "a-brand-new-passphrase")).status).toBe(403);
      }
      for (let i = 0; i < 2; i++) expect((await logIn(t.app, "ana", "wrong")).status).toBe(403);
      const limited = await change(agent, GOOD_PASSWORD, "a-brand-new-passphrase");
      expect([limited.status, limited.body.retry_after_ms]).toEqual([429, 1_000]);
      expect((await logIn(t.app)).status).toBe(429);
      t.clock.advance(1_000);
      expect((await change(agent, GOOD_PASSWORD, "a-brand-new-passphrase")).status).toBe(200);
    },
    ARGON2_HEAVY_TIMEOUT_MS,
  );

  it("refuses a weak new password with 400 naming newPassword", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const res = await change(agent, GOOD_PASSWORD, "qwertyuiop");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errcode: "M_WEAK_PASSWORD", field: "newPassword" });
  });

  it("keeps the old password when Synapse refuses", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    t.synapse.failNext("setPassword");
    expect((await change(agent, GOOD_PASSWORD, "a-brand-new-passphrase")).status).toBe(500);
    expect((await logIn(t.app, "ana", GOOD_PASSWORD)).status).toBe(200);
  });

  it("puts the old Matrix password back when the commit fails", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    t.accounts.failNextCommit();
    expect((await change(agent, GOOD_PASSWORD, "a-brand-new-passphrase")).status).toBe(500);
    expect(t.synapse.users.get("@ana:localhost")?.password).toBe(GOOD_PASSWORD);
    expect((await logIn(t.app, "ana", GOOD_PASSWORD)).status).toBe(200);
  });

  it("requires a session", async () => {
    const t = createTestApp();
    const res = await request(t.app)
      .post("/api/auth/password")
      .set(SAME_ORIGIN)
      .send({ currentPassword: GOOD_PASSWORD, newPassword: "a-brand-new-passphrase" });
    expect([res.status, res.body.errcode]).toEqual([401, "M_MISSING_TOKEN"]);
  });
});

describe("POST /api/auth/matrix-token", () => {
  const mint = (agent: Agent) => agent.post("/api/auth/matrix-token").set(SAME_ORIGIN);

  it("mints a 60-second, single-use JWT for Synapse with the family's device", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const res = await mint(agent);
    expect(res.status).toBe(200);
    const [row] = t.sessions.tokens.values();
    expect(res.body).toMatchObject({
      device_id: row?.deviceId,
      user_id: "@ana:localhost",
      homeserver_url: PUBLIC_URL,
    });
    const claims = jwt.verify(res.body.token, SYNAPSE_JWT_SECRET, {
      algorithms: ["HS256"],
      issuer: SYNAPSE_JWT_ISSUER,
      audience: SYNAPSE_JWT_AUDIENCE,
    }) as jwt.JwtPayload;
    expect(claims.sub).toBe("ana");
    const lifetime = Number(claims.exp) - Number(claims.iat);
    expect(lifetime).toBeLessThanOrEqual(60);
    expect(lifetime).toBeGreaterThan(0);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it("gives each token its own jti and keeps the device across refreshes", async () => {
    const t = createTestApp();
    const agent = await browser(t);
    const first = await mint(agent);
    expect((await agent.post("/api/auth/refresh").set(SAME_ORIGIN)).status).toBe(200);
    const second = await mint(agent);
    const jti = (token: string) => (jwt.decode(token) as jwt.JwtPayload).jti;
    expect(jti(second.body.token)).not.toBe(jti(first.body.token));
    expect(second.body.device_id).toBe(first.body.device_id);

    const otherBrowser = await browser(t);
    expect((await mint(otherBrowser)).body.device_id).not.toBe(first.body.device_id);
  });

  it("requires a session", async () => {
    const t = createTestApp();
    const res = await request(t.app).post("/api/auth/matrix-token").set(SAME_ORIGIN);
    expect([res.status, res.body.errcode]).toEqual([401, "M_MISSING_TOKEN"]);
  });
});

describe("logging", () => {
  it("never logs passwords, tokens or cookies", async () => {
    const t = createTestApp();
    const agent = request.agent(t.app);
    const signup = await signUp(agent);
    const cookies = setCookies(signup.headers["set-cookie"]);
    await agent.post("/api/auth/password").set(SAME_ORIGIN).send({
      currentPassword: GOOD_PASSWORD,
      newPassword: "a-brand-new-passphrase",
    });
    const minted = await agent.post("/api/auth/matrix-token").set(SAME_ORIGIN);
    await agent.post("/api/auth/refresh").set(SAME_ORIGIN);
    await logIn(t.app, "ana", "wrong-password-typed");
    const signedIn = await logIn(t.app, "ana", "a-brand-new-passphrase");
    expect(signedIn.body.matrix?.token).toEqual(expect.any(String));
    const output = t.logs.join("");
    expect(output).toContain("/api/auth/signup");
    for (const secret of [
      GOOD_PASSWORD,
      "a-brand-new-passphrase",
      "wrong-password-typed",
      String(cookies.xs_access?.value),
      String(cookies.xs_refresh?.value),
      String(minted.body.token),
      String(signedIn.body.matrix?.token),
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});
