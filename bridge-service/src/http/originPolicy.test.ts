import request from "supertest";
import { describe, expect, it } from "vitest";
import { createTestApp, GOOD_PASSWORD, PUBLIC_URL, SAME_ORIGIN } from "../testing/authHarness.js";

const signupBody = { username: "ana", password: GOOD_PASSWORD, displayName: "Ana" };

async function signedIn() {
  const t = createTestApp();
  const agent = request.agent(t.app);
  expect((await agent.post("/api/auth/signup").set(SAME_ORIGIN).send(signupBody)).status).toBe(201);
  return { t, agent };
}

describe("CSRF: writes must come from an allowed origin", () => {
  const writes: [string, Record<string, string>][] = [
    ["/api/auth/signup", signupBody],
    ["/api/auth/login", { username: "ana", password: GOOD_PASSWORD }],
    ["/api/auth/refresh", {}],
    ["/api/auth/logout", {}],
    ["/api/auth/password", { currentPassword: GOOD_PASSWORD, newPassword: "a-new-passphrase-9" }],
    ["/api/auth/matrix-token", {}],
  ];
  const refusals: [string, Record<string, string>][] = [
    ["no Origin and no Referer", {}],
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin null (sandboxed frame, file://)", { Origin: "null" }],
    ["a look-alike Origin", { Origin: `${PUBLIC_URL}.evil.example` }],
    ["another port of the same host", { Origin: "http://localhost:9999" }],
    ["a foreign Referer and no Origin", { Referer: "https://evil.example/page" }],
    [
      "an allowed Referer but a foreign Origin",
      { Origin: "https://evil.example", Referer: `${PUBLIC_URL}/` },
    ],
  ];

  for (const [path, body] of writes) {
    it.each(refusals)(`refuses POST ${path} with %s`, async (_label, headers) => {
      const { t, agent } = await signedIn();
      const synapseCalls = t.synapse.calls.length;
      const families = t.sessions.tokens.size;
      const res = await agent.post(path).set(headers).send(body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errcode: "M_FORBIDDEN", error: "cross-site request refused" });
      expect(res.headers["set-cookie"]).toBeUndefined();
      // Nothing happened: no new session, no Synapse call, the session still works.
      expect(t.sessions.tokens.size).toBe(families);
      expect(t.synapse.calls.length).toBe(synapseCalls);
      expect((await agent.get("/api/auth/session")).status).toBe(200);
    });
  }

  it("accepts an allowed Referer when the browser sent no Origin", async () => {
    const { agent } = await signedIn();
    const res = await agent.post("/api/auth/matrix-token").set("Referer", `${PUBLIC_URL}/settings`);
    expect(res.status).toBe(200);
  });

  it("lets reads through without an Origin", async () => {
    const { agent } = await signedIn();
    expect((await agent.get("/api/auth/session")).status).toBe(200);
    expect((await agent.get("/api/docs")).status).toBe(200);
  });
});

describe("CORS on /api", () => {
  it("allows the allow-listed origin with credentials", async () => {
    const { app } = createTestApp();
    const res = await request(app).get("/api/auth/session").set(SAME_ORIGIN);
    expect(res.headers["access-control-allow-origin"]).toBe(PUBLIC_URL);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it("sends no CORS headers to other origins", async () => {
    const { app } = createTestApp();
    const res = await request(app).get("/api/auth/session").set("Origin", "https://evil.example");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("answers preflights from the allow-list and refuses the rest", async () => {
    const { app } = createTestApp();
    const preflight = (origin: string) =>
      request(app)
        .options("/api/auth/login")
        .set("Origin", origin)
        .set("Access-Control-Request-Method", "POST")
        .set("Access-Control-Request-Headers", "content-type");
    const allowed = await preflight(PUBLIC_URL);
    expect(allowed.status).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe(PUBLIC_URL);
    expect(allowed.headers["access-control-allow-methods"]).toContain("POST");
    expect(allowed.headers["access-control-allow-headers"]).toContain("Content-Type");
    const foreign = await preflight("https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.body.errcode).toBe("M_FORBIDDEN");
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("sets helmet's headers on /api responses", async () => {
    const { app } = createTestApp();
    const res = await request(app).get("/api/auth/session");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["content-security-policy"]).toBeDefined();
  });
});
