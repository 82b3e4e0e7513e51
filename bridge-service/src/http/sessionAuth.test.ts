import cookieParser from "cookie-parser";
import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { timeClaims } from "../domain/jwt.js";
import type { Role } from "../store/accountStore.js";
import {
  createTestAuth,
  PUBLIC_URL,
  SESSION_SECRET,
  signedInAccount,
} from "../testing/authHarness.js";
import { hs256Maker, tamperedTokens } from "../testing/tamperedTokens.js";
import { matrixErrorHandler } from "./errors.js";
import { requireRole, requireSession, sessionOf } from "./sessionAuth.js";

async function setup() {
  const testAuth = createTestAuth();
  const { auth } = testAuth;
  const app = express();
  app.use(cookieParser());
  app.get("/me", requireSession(auth), (_req, res) => {
    res.json({ username: sessionOf(res).account.username });
  });
  app.get("/moderation", requireRole(auth, "moderator"), (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/admin", requireRole(auth, "admin"), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(matrixErrorHandler);

  const sessionFor = (username: string, role: Role) => signedInAccount(testAuth, username, role);
  return { ...testAuth, app, sessionFor };
}

describe("requireSession", () => {
  it("admits a valid access token and exposes the account", async () => {
    const { app, sessionFor } = await setup();
    const { cookie } = await sessionFor("ana", "user");
    const res = await request(app).get("/me").set("Cookie", cookie);
    expect([res.status, res.body]).toEqual([200, { username: "ana" }]);
  });

  it("refuses every tampered, misaddressed or out-of-date token with 401 M_UNKNOWN_TOKEN", async () => {
    const { app, sessionFor, clock } = await setup();
    const { account, session } = await sessionFor("ana", "user");
    const now = clock.now();
    const make = hs256Maker(
      () => ({
        sub: account.id,
        sid: session.family.familyId,
        iss: PUBLIC_URL,
        aud: "xstream-api",
        ...timeClaims(now, 15 * 60_000),
      }),
      SESSION_SECRET,
    );
    // The maker's tokens are good (same shape as ours) until tampered with.
    expect((await request(app).get("/me").set("Cookie", `xs_access=${make()}`)).status).toBe(200);
    for (const [label, token] of [
      ...tamperedTokens(make, SESSION_SECRET, Math.floor(now.getTime() / 1000)).filter(
        ([label]) => label !== "empty",
      ),
      ["no session id", make({ sid: undefined })],
      ["another account's id", make({ sub: "00000000-0000-0000-0000-000000000000" })],
      ["an unknown session family", make({ sid: "00000000-0000-0000-0000-000000000000" })],
    ] as [string, string][]) {
      const res = await request(app).get("/me").set("Cookie", `xs_access=${token}`);
      expect({ label, status: res.status, errcode: res.body.errcode }).toEqual({
        label,
        status: 401,
        errcode: "M_UNKNOWN_TOKEN",
      });
    }
  });

  it("answers 401 M_MISSING_TOKEN without the cookie", async () => {
    const { app } = await setup();
    const res = await request(app).get("/me");
    expect([res.status, res.body.errcode]).toEqual([401, "M_MISSING_TOKEN"]);
  });
});

describe("requireRole", () => {
  it.each<[Role, number, number]>([
    ["user", 403, 403],
    ["moderator", 200, 403],
    ["admin", 200, 200],
  ])("lets a %s reach moderation: %i, admin: %i", async (role, moderation, admin) => {
    const { app, sessionFor } = await setup();
    const { cookie } = await sessionFor("ana", role);
    const mod = await request(app).get("/moderation").set("Cookie", cookie);
    expect(mod.status).toBe(moderation);
    if (moderation === 403) expect(mod.body.errcode).toBe("M_FORBIDDEN");
    expect((await request(app).get("/admin").set("Cookie", cookie)).status).toBe(admin);
  });

  it("needs a session first, and sees role changes at once", async () => {
    const { app, sessionFor, accounts } = await setup();
    expect((await request(app).get("/admin")).status).toBe(401);
    const { cookie } = await sessionFor("ana", "user");
    expect((await request(app).get("/admin").set("Cookie", cookie)).status).toBe(403);
    await accounts.setRole("ana", "admin");
    expect((await request(app).get("/admin").set("Cookie", cookie)).status).toBe(200);
  });
});
