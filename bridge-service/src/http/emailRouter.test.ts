import request from "supertest";
import { describe, expect, it } from "vitest";
import { createUnsubscribeTokens } from "../email/unsubscribeTokens.js";
import { createInMemoryEmailOptOutStore } from "../store/memory/inMemoryEmailOptOutStore.js";
import {
  createAppAround,
  createTestAuth,
  SAME_ORIGIN,
  SESSION_SECRET,
  signedInAccount,
} from "../testing/authHarness.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import type { EmailSettings } from "./emailRouter.js";

function setup(enabled = true) {
  const { logger } = createCapturedLogger();
  const testAuth = createTestAuth({ logger });
  const email: EmailSettings = {
    optOuts: createInMemoryEmailOptOutStore(),
    tokens: createUnsubscribeTokens(SESSION_SECRET),
    now: () => new Date(),
  };
  const app = createAppAround(testAuth, logger, { email: enabled ? email : undefined });
  const cookieFor = async (username: string) => (await signedInAccount(testAuth, username)).cookie;
  return { app, email, cookieFor };
}

describe("/api/email", () => {
  it("says email is off when SMTP is not configured", async () => {
    const { app, cookieFor } = setup(false);
    const cookie = await cookieFor("ana");
    const res = await request(app).get("/api/email/settings").set("Cookie", cookie);
    expect(res.body).toEqual({ enabled: false, partner_mails: false });
    const put = await request(app)
      .put("/api/email/settings")
      .set({ ...SAME_ORIGIN, Cookie: cookie })
      .send({ partner_mails: true });
    expect(put.status).toBe(404);
    expect(put.body.errcode).toBe("M_NOT_FOUND");
  });

  it("turns partner mails off and on for the signed-in learner", async () => {
    const { app, cookieFor } = setup();
    const cookie = await cookieFor("ana");
    expect((await request(app).get("/api/email/settings").set("Cookie", cookie)).body).toEqual({
      enabled: true,
      partner_mails: true,
    });
    const off = await request(app)
      .put("/api/email/settings")
      .set({ ...SAME_ORIGIN, Cookie: cookie })
      .send({ partner_mails: false });
    expect(off.body).toEqual({ enabled: true, partner_mails: false });
    const bad = await request(app)
      .put("/api/email/settings")
      .set({ ...SAME_ORIGIN, Cookie: cookie })
      .send({ partner_mails: "no", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errcode).toBeDefined();
    expect((await request(app).get("/api/email/settings")).status).toBe(401);
  });

  it("one-click unsubscribes from any origin with a valid token; GET changes nothing", async () => {
    const { app, email, cookieFor } = setup();
    const cookie = await cookieFor("ana");
    const token = email.tokens.sign("@ana:localhost", "partner");
    const page = await request(app).get(`/api/email/unsubscribe?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect(await email.optOuts.isOptedOut("@ana:localhost", "partner")).toBe(false);
    const posted = await request(app)
      .post(`/api/email/unsubscribe?token=${token}`)
      .set("Origin", "https://mail.example.net")
      .type("form")
      .send("List-Unsubscribe=One-Click");
    expect(posted.status).toBe(200);
    expect(await email.optOuts.isOptedOut("@ana:localhost", "partner")).toBe(true);
    const settings = await request(app).get("/api/email/settings").set("Cookie", cookie);
    expect(settings.body.partner_mails).toBe(false);
  });

  it("refuses forged, altered, missing and huge tokens with Matrix errors, quickly", async () => {
    const { app, email } = setup();
    const started = performance.now();
    const good = email.tokens.sign("@ana:localhost", "partner");
    const forged = createUnsubscribeTokens(`${SESSION_SECRET}!`).sign("@ana:localhost", "partner");
    for (const query of [
      `token=${forged}`,
      `token=${good.slice(0, -2)}xx`,
      "token=",
      "",
      `token=${"a".repeat(10_000)}`,
      "token[]=a&token[]=b",
    ]) {
      const res = await request(app).post(`/api/email/unsubscribe?${query}`);
      expect(res.status, query.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errcode).toMatch(/^M_/);
    }
    const big = await request(app)
      .post(`/api/email/unsubscribe?token=${good}`)
      .type("form")
      .send(`List-Unsubscribe=${"x".repeat(100_000)}`);
    expect(big.status).toBe(413);
    expect(await email.optOuts.isOptedOut("@ana:localhost", "partner")).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
