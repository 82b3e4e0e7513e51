import request from "supertest";
import { describe, expect, it } from "vitest";
import { timeClaims } from "../domain/jwt.js";
import { issueSynapseLoginToken } from "../domain/synapseLoginTokens.js";
import {
  createTestApp,
  SYNAPSE_JWT_AUDIENCE,
  SYNAPSE_JWT_ISSUER,
  SYNAPSE_JWT_SECRET,
} from "../testing/authHarness.js";
import { hs256Maker, tamperedTokens } from "../testing/tamperedTokens.js";
import { passwordLoginAccount } from "./loginGateway.js";

const V3 = "/_matrix/client/v3/login";
const R0 = "/_matrix/client/r0/login";
/** Every version prefix Synapse 1.163 serves /login under. */
const ALL_LOGIN_PATHS = [V3, R0, "/_matrix/client/unstable/login", "/_matrix/client/api/v1/login"];

function setup() {
  const t = createTestApp();
  const mint = () =>
    issueSynapseLoginToken(t.auth.settings.synapseLoginToken, "ana", t.clock.now()).token;
  const jwtLogin = (token: string, path = V3) =>
    request(t.app)
      .post(path)
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ type: "org.matrix.login.jwt", token, device_id: "XSABCDEFGHIJ" }));
  return { ...t, mint, jwtLogin };
}

describe("Matrix login gateway", () => {
  it("forwards a fresh JWT login unchanged and relays Synapse's answer", async () => {
    const { jwtLogin, mint, login } = setup();
    const token = mint();
    const res = await jwtLogin(token)
      .set("X-Forwarded-For", "203.0.113.5")
      .set("User-Agent", "Element");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: "@ana:localhost", access_token: "syt_x" });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(login.forwarded).toHaveLength(1);
    const [forwarded] = login.forwarded;
    expect(forwarded?.method).toBe("POST");
    expect(forwarded?.path).toBe(V3);
    expect(forwarded?.body?.toString()).toBe(
      JSON.stringify({ type: "org.matrix.login.jwt", token, device_id: "XSABCDEFGHIJ" }),
    );
    expect(forwarded?.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Element",
      "x-forwarded-for": "203.0.113.5",
    });
    expect(forwarded?.headers.cookie).toBeUndefined();
  });

  it("accepts each token once: a second use is 403 and never reaches Synapse", async () => {
    const { jwtLogin, mint, login } = setup();
    const token = mint();
    expect((await jwtLogin(token)).status).toBe(200);
    for (const path of [V3, R0]) {
      const again = await jwtLogin(token, path);
      expect(again.status).toBe(403);
      expect(again.body).toEqual({ errcode: "M_FORBIDDEN", error: "login token already used" });
    }
    expect(login.forwarded).toHaveLength(1);
    // Another token is fine, on the r0 path too.
    expect((await jwtLogin(mint(), R0)).status).toBe(200);
    expect(login.forwarded.map((r) => r.path)).toEqual([V3, R0]);
  });

  it("serves /login under every version Synapse has, each token once across all of them", async () => {
    const { jwtLogin, mint, login } = setup();
    const used = mint();
    expect((await jwtLogin(used)).status).toBe(200);
    for (const path of ALL_LOGIN_PATHS) {
      const replay = await jwtLogin(used, path);
      expect([path, replay.status, replay.body.errcode]).toEqual([path, 403, "M_FORBIDDEN"]);
      expect((await jwtLogin(mint(), path)).status).toBe(200);
    }
    expect(login.forwarded.map((r) => r.path)).toEqual([V3, ...ALL_LOGIN_PATHS]);
  });

  it("refuses login paths Synapse does not serve instead of passing them on", async () => {
    const { jwtLogin, mint, login } = setup();
    for (const path of [
      "/_matrix/client/v4/login",
      "/_matrix/client/v3/LOGIN",
      "/_matrix/client/v3/%6Cogin",
      "/_matrix/client/v3/login/",
      "/_matrix/client//v3/login",
      "/_matrix/client/v3/login/anything",
    ]) {
      const res = await jwtLogin(mint(), path);
      expect([path, res.status, res.body.errcode]).toEqual([path, 404, "M_UNRECOGNIZED"]);
    }
    expect(login.forwarded).toHaveLength(0);
  });

  it("passes Synapse's other login servlets (SSO redirect, login tokens) on unchanged", async () => {
    const { app, login } = setup();
    const paths = [
      "/_matrix/client/v3/login/sso/redirect?redirectUrl=x",
      "/_matrix/client/r0/login/sso/redirect/oidc-main",
      "/_matrix/client/api/v1/login/cas/ticket",
      "/_matrix/client/v1/login/get_token",
      "/_matrix/client/unstable/org.matrix.msc3882/login/token",
    ];
    for (const path of paths) {
      const res = await request(app).get(path).set("Authorization", "Bearer syt_token");
      expect([path, res.status]).toEqual([path, 200]);
    }
    expect(login.forwarded.map((r) => r.path)).toEqual(paths);
    expect(login.forwarded[3]?.headers.authorization).toBe("Bearer syt_token");
  });

  it("lets exactly one of two concurrent uses of a token through", async () => {
    const { jwtLogin, mint, login } = setup();
    const token = mint();
    const statuses = (await Promise.all([jwtLogin(token), jwtLogin(token)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 403]);
    expect(login.forwarded).toHaveLength(1);
  });

  it("refuses invalid tokens with 403 and forwards nothing", async () => {
    const { jwtLogin, login, clock, loginTokens } = setup();
    const now = clock.now();
    const make = hs256Maker(
      () => ({
        sub: "ana",
        iss: SYNAPSE_JWT_ISSUER,
        aud: SYNAPSE_JWT_AUDIENCE,
        jti: `jti-${Math.random()}`,
        ...timeClaims(now, 60_000),
      }),
      SYNAPSE_JWT_SECRET,
    );
    const cases: [string, string][] = [
      ...tamperedTokens(make, SYNAPSE_JWT_SECRET, Math.floor(now.getTime() / 1000)),
      ["without jti", make({ jti: undefined })],
      ["signed with the session secret", make({}, "session-secret-0123456789abcdef0123456789")],
    ];
    for (const [label, token] of cases) {
      const res = await jwtLogin(token);
      expect({ label, status: res.status, body: res.body }).toEqual({
        label,
        status: 403,
        body: { errcode: "M_FORBIDDEN", error: "Invalid login token" },
      });
    }
    const missing = await request(setup().app).post(V3).send({ type: "org.matrix.login.jwt" });
    expect(missing.status).toBe(403);
    expect(login.forwarded).toHaveLength(0);
    expect(loginTokens.used.size).toBe(0);
  });

  it("forwards other login types and GET (flows) untouched", async () => {
    const { app, login } = setup();
    const body =
      '{"type":"m.login.password","identifier":{"type":"m.id.user","user":"ana"},"password":"pw"}';
    const res = await request(app).post(R0).set("Content-Type", "application/json").send(body);
    expect(res.status).toBe(200);
    expect(login.forwarded[0]?.body?.toString()).toBe(body);
    expect((await request(app).get(`${V3}?x=1`)).status).toBe(200);
    expect(login.forwarded[1]).toMatchObject({ method: "GET", path: `${V3}?x=1`, body: undefined });
  });

  it("answers methods Synapse does not serve there with 405 and Allow, forwarding nothing", async () => {
    const { app, login } = setup();
    for (const method of ["put", "delete", "patch", "trace"] as const) {
      const res = await request(app)[method](V3).send({ type: "m.login.password" });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD, OPTIONS, POST");
      expect(res.body.errcode, method).toBe("M_UNRECOGNIZED");
    }
    expect(login.forwarded).toHaveLength(0);
  });

  it("tells Synapse a login body is JSON, whatever Content-Type the client claimed", async () => {
    const { app, login } = setup();
    const body = '{"type":"m.login.password","user":"ana","password":"pw"}';
    const res = await request(app).post(V3).set("Content-Type", "multipart/form-data").send(body);
    expect(res.status).toBe(200);
    expect(login.forwarded[0]?.headers["content-type"]).toBe("application/json");
    expect(login.forwarded[0]?.body?.toString()).toBe(body);
  });

  it("relays Synapse's errors as they are", async () => {
    const { app, login } = setup();
    login.answerWith({
      status: 403,
      headers: [["content-type", "application/json"]],
      body: Buffer.from('{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}'),
    });
    const res = await request(app).post(V3).send({ type: "m.login.password", password: "x" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errcode: "M_FORBIDDEN", error: "Invalid username or password" });
  });

  it("refuses unreadable POST bodies instead of forwarding them, and caps them at 64 KiB", async () => {
    const { app, login } = setup();
    const malformed = await request(app)
      .post(V3)
      .set("Content-Type", "application/json")
      .send('{"type": "org.matrix.login.jwt", "token": NaN}');
    expect([malformed.status, malformed.body.errcode]).toEqual([400, "M_NOT_JSON"]);
    const empty = await request(app).post(V3);
    expect([empty.status, empty.body.errcode]).toEqual([400, "M_NOT_JSON"]);
    const huge = await request(app)
      .post(V3)
      .send({ type: "m.login.password", password: "x".repeat(65 * 1024) });
    expect([huge.status, huge.body.errcode]).toEqual([413, "M_TOO_LARGE"]);
    expect(login.forwarded).toHaveLength(0);
  });

  it("answers 502 when Synapse cannot be reached", async () => {
    const { app } = createTestApp({ relay: () => Promise.reject(new TypeError("fetch failed")) });
    const res = await request(app).post(V3).send({ type: "m.login.password" });
    expect([res.status, res.body.errcode]).toEqual([502, "M_UNKNOWN"]);
  });

  describe("m.login.password under the password failure policy", () => {
    const WRONG = {
      status: 403,
      headers: [["content-type", "application/json"]] as [string, string][],
      body: Buffer.from('{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}'),
    };
    const passwordLogin = (
      app: ReturnType<typeof setup>["app"],
      fields: Record<string, unknown>,
      ip = "203.0.113.7",
      path = V3,
    ) =>
      request(app)
        .post(path)
        .set("X-Forwarded-For", ip)
        .send({ type: "m.login.password", password: "guess", ...fields });

    it("reads the account the way Synapse does, in every form the spec and Synapse allow", () => {
      const ana = [
        { identifier: { type: "m.id.user", user: "ana" } },
        { identifier: { type: "m.id.user", user: "@ana:localhost" } },
        { identifier: { type: "m.id.user", user: "@ANA:LocalHost" } },
        { identifier: { type: "m.id.user", user: "Ana" } },
        { user: "ana" },
        { user: "@Ana:localhost" },
        // Synapse prefers the legacy `user`, and skips it when Python finds it empty.
        { user: "ana", identifier: { type: "m.id.user", user: "ben" } },
        { user: [], identifier: { type: "m.id.user", user: "ana" } },
        { user: {}, identifier: { type: "m.id.user", user: "ana" } },
        { user: "", identifier: { type: "m.id.user", user: "ana" } },
      ];
      for (const fields of ana) {
        expect([fields, passwordLoginAccount(fields, "localhost")]).toEqual([fields, "ana"]);
      }
      expect(passwordLoginAccount({ user: "@ana:elsewhere.org" }, "localhost")).toBe(
        "@ana:elsewhere.org",
      );
      expect(
        passwordLoginAccount(
          { user: "ana", medium: "email", address: "ana@example.org" },
          "localhost",
        ),
      ).toBe("3pid:email:ana@example.org");
      expect(passwordLoginAccount({ identifier: "ana" }, "localhost")).toBe("");
    });

    it("slows a guesser through Synapse, whatever spelling or path, and counts only 403s", async () => {
      const { app, login, clock } = setup();
      login.answerWith(WRONG);
      const spellings = [
        { identifier: { type: "m.id.user", user: "ana" } },
        { identifier: { type: "m.id.user", user: "@ANA:localhost" } },
        { user: "Ana" },
        { user: "@ana:localhost" },
        { identifier: { type: "m.id.user", user: "ana" } },
      ];
      for (const [i, fields] of spellings.entries()) {
        const path = ALL_LOGIN_PATHS[i % ALL_LOGIN_PATHS.length];
        expect((await passwordLogin(app, fields, undefined, path)).status).toBe(403);
      }
      const limited = await passwordLogin(app, { user: "ana" }, undefined, R0);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ errcode: "M_LIMIT_EXCEEDED", retry_after_ms: 1_000 });
      expect(login.forwarded).toHaveLength(5);

      // The owner at another address goes straight through to Synapse.
      login.answerWith({ ...WRONG, status: 200, body: Buffer.from("{}") });
      expect((await passwordLogin(app, { user: "ana" }, "198.51.100.9")).status).toBe(200);

      // Synapse's own refusals (its rate limit, a malformed login) are not wrong passwords.
      clock.advance(1_000);
      login.answerWith({ ...WRONG, status: 429 });
      expect((await passwordLogin(app, { user: "ana" })).status).toBe(429);
      login.answerWith({ ...WRONG, status: 400 });
      expect((await passwordLogin(app, { user: "ana" })).status).toBe(400);
      login.answerWith(WRONG);
      expect((await passwordLogin(app, { user: "ana" })).status).toBe(403);
      expect((await passwordLogin(app, { user: "ana" })).body.retry_after_ms).toBe(2_000);
    });

    it("shares the count with the web sign-in form", async () => {
      const { app, login } = setup();
      login.answerWith(WRONG);
      for (let i = 0; i < 3; i++) {
        expect((await passwordLogin(app, { user: "ana" }, "203.0.113.7")).status).toBe(403);
      }
      for (let i = 0; i < 2; i++) {
        const web = await request(app)
          .post("/api/auth/login")
          .set({ Origin: "http://localhost:8080", "X-Forwarded-For": "203.0.113.7" })
          .send({ username: "ANA", password: "guess" });
        expect(web.status).toBe(403);
      }
      expect((await passwordLogin(app, { user: "ana" }, "203.0.113.7")).status).toBe(429);
      expect(login.forwarded).toHaveLength(3);
    });

    it("answers hostile password logins quickly and still counts them against the account", async () => {
      const { app, login, passwordFailures } = setup();
      login.answerWith(WRONG);
      const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      const bodies = [
        JSON.stringify({ type: "m.login.password", user: `ana${"\u0301".repeat(20_000)}` }),
        JSON.stringify({ type: "m.login.password", user: "x".repeat(60_000) }),
        `{"type":"m.login.password","identifier":${nested}}`,
        `{"type":"m.login.password","identifier":{"type":"m.id.user","user":${nested}}}`,
        JSON.stringify({ type: "m.login.password", user: { $ne: null }, identifier: [] }),
        JSON.stringify({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: "\uFF21NA" },
        }),
      ];
      for (const body of bodies) {
        const started = performance.now();
        const res = await request(app)
          .post(V3)
          .set("Content-Type", "application/json")
          .set("X-Forwarded-For", "203.0.113.7")
          .send(body);
        expect([body.slice(0, 40), res.status]).toEqual([body.slice(0, 40), 403]);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      // The combining accents and the full-width letters still name ana.
      expect(passwordFailures.counts.get("account:ana")?.failures).toBe(2);
      expect(passwordFailures.counts.get("address:203.0.113.7")?.failures).toBe(6);
    });

    it("takes an attempt back when Synapse cannot be reached", async () => {
      const { app, passwordFailures } = createTestApp({
        relay: () => Promise.reject(new TypeError("fetch failed")),
      });
      for (let i = 0; i < 8; i++) {
        expect((await passwordLogin(app, { user: "ana" })).status).toBe(502);
      }
      expect(passwordFailures.counts.size).toBe(0);
    });
  });
});
