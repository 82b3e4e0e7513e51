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

const V3 = "/_matrix/client/v3/login";
const R0 = "/_matrix/client/r0/login";

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
});
