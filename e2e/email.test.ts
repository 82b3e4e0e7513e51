// Email end to end: a stack of its own whose Synapse and bridge send through a real SMTP server
// (aiosmtpd on loopback, e2e/smtp.ts), and the test reads what arrives. A learner adds an address
// with Synapse's own 3PID validation (requestToken, the mailed link followed through the edge,
// /account/3pid/add with the password as user-interactive auth) and sets the email pusher; a
// partner's message the learner leaves unread comes back as Synapse's missed-message mail; the
// bridge mails a partner request to the verified address only. Both unsubscribe links work
// through the edge. The shared stack, which has no SMTP, shows email as off.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./browser.ts";
import { removeStateDir, type StackInfo, startTestStack, type TestStack } from "./harness.ts";
import {
  createSharedRoom,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, MatrixError, matrixRequest, sendEvent } from "./matrix.ts";
import { type ReceivedMail, type SmtpServer, startSmtpServer } from "./smtp.ts";

/** Synapse's notif_delay_before_mail here: how long a message must stay unread. */
const NOTIF_DELAY_MS = 3_000;
const MAIL_TIMEOUT_MS = 45_000;

let smtp: SmtpServer;
let testStack: TestStack;
let stack: StackInfo;

beforeAll(async () => {
  smtp = await startSmtpServer();
  testStack = await startTestStack({
    email: {
      host: smtp.host,
      port: smtp.port,
      tls: "off",
      from: "Xstream <noreply@xstream.test>",
      notifDelay: `${NOTIF_DELAY_MS / 1_000}s`,
    },
  });
  stack = testStack.info;
});

afterAll(async () => {
  await testStack?.stop();
  if (testStack) await removeStateDir(testStack.info.stateDir);
  await smtp?.close();
});

const address = (who: string) => `${who}-${randomUUID().slice(0, 8)}@learners.test`;
const mailTo = (to: string) => (mail: ReceivedMail) => mail.to.includes(to);

/** What the web client's settings do: Synapse mails a link, the learner opens it, then adds. */
async function addVerifiedEmail(learner: Learner, email: string): Promise<ReceivedMail> {
  const clientSecret = randomUUID();
  const { sid } = await matrixRequest<{ sid: string }>(
    stack.publicUrl,
    "POST",
    "/_matrix/client/v3/account/3pid/email/requestToken",
    {
      token: learner.matrix.accessToken,
      body: { client_secret: clientSecret, email, send_attempt: 1 },
    },
  );
  const validation = await smtp.waitFor(mailTo(email), MAIL_TIMEOUT_MS);
  const link = validation.text.match(/https?:\/\/\S+submit_token\?\S+/)?.[0];
  expect(link, validation.text).toBeDefined();
  // The link points at the edge (public_baseurl), which passes it to Synapse.
  expect(link?.startsWith(`${stack.publicUrl}/`)).toBe(true);
  const opened = await fetch(link ?? "");
  expect(opened.status).toBe(200);

  const add = (auth?: unknown) =>
    matrixRequest(stack.publicUrl, "POST", "/_matrix/client/v3/account/3pid/add", {
      token: learner.matrix.accessToken,
      body: { client_secret: clientSecret, sid, ...(auth ? { auth } : {}) },
    });
  const challenge = await add().then(
    () => undefined,
    (error: unknown) => (error instanceof MatrixError ? error : undefined),
  );
  expect(challenge?.status).toBe(401);
  const session = (challenge?.body as { session?: string } | undefined)?.session;
  await add({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: learner.matrix.userId },
    password: learner.password,
    session,
  });
  return validation;
}

async function setEmailPusher(learner: Learner, email: string) {
  await matrixRequest(stack.publicUrl, "POST", "/_matrix/client/v3/pushers/set", {
    token: learner.matrix.accessToken,
    body: {
      kind: "email",
      app_id: "m.email",
      pushkey: email,
      app_display_name: "Email Notifications",
      device_display_name: email,
      lang: "en",
      data: { brand: "Xstream" },
    },
  });
}

const pushersOf = async (learner: Learner) =>
  (
    await matrixRequest<{ pushers: { kind: string; pushkey: string }[] }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/pushers",
      { token: learner.matrix.accessToken },
    )
  ).pushers;

/** A complete, discoverable profile whose languages mirror `other`'s. */
async function setProfile(learner: Learner, native: string, learning: string) {
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: [native],
    learning: [{ language: learning, level: "B1" }],
    interests: ["hiking"],
    timezone: "Europe/Madrid",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "",
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

const figures: Record<string, number> = {};

describe("email through a real SMTP server", () => {
  let tom: Learner;
  let lucia: Learner;
  const tomEmail = address("tom");

  beforeAll(async () => {
    tom = await signUpLearner(stack, "Tom Mailed");
    lucia = await signUpLearner(stack, "Lucia Writes");
  });

  it("verifies an address through Synapse's validation mail and link", async () => {
    const validation = await addVerifiedEmail(tom, tomEmail);
    expect(validation.header("from")).toContain("noreply@xstream.test");
    const { threepids } = await matrixRequest<{
      threepids: { medium: string; address: string; validated_at: number }[];
    }>(stack.publicUrl, "GET", "/_matrix/client/v3/account/3pid", {
      token: tom.matrix.accessToken,
    });
    expect(threepids).toEqual([
      expect.objectContaining({
        medium: "email",
        address: tomEmail,
        validated_at: expect.any(Number),
      }),
    ]);
    const settings = await tom.session.request("GET", "/api/email/settings");
    expect(settings.body).toEqual({ enabled: true, partner_mails: true });
  });

  it("mails a message left unread through Synapse's notifier; its unsubscribe link works", async () => {
    // The room first: its invite would otherwise be the first missed notification.
    const roomId = await createSharedRoom(stack, lucia, [tom]);
    await setEmailPusher(tom, tomEmail);
    expect((await pushersOf(tom)).map((p) => p.kind)).toEqual(["email"]);
    const sentAt = Date.now();
    await sendEvent(stack.publicUrl, lucia.matrix.accessToken, roomId, {
      msgtype: "m.text",
      body: "¿Practicamos mañana a las seis?",
    });
    const missed = await smtp.waitFor(
      (mail) => mail.to.includes(tomEmail) && mail.text.includes("Practicamos"),
      MAIL_TIMEOUT_MS,
    );
    figures.missedMessageMs = missed.receivedAt - sentAt;
    // Never before the learner had the configured time to read it.
    expect(missed.receivedAt - sentAt).toBeGreaterThanOrEqual(NOTIF_DELAY_MS - 200);
    expect(missed.text).toContain("Lucia Writes");

    // RFC 8058 headers, and the link works through the edge: the email pusher is gone.
    expect(missed.header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const unsubscribe = missed.header("list-unsubscribe")?.match(/<([^>]+)>/)?.[1] ?? "";
    expect(unsubscribe.startsWith(`${stack.publicUrl}/_synapse/client/unsubscribe?`)).toBe(true);
    const oneClick = await fetch(unsubscribe, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect(await pushersOf(tom)).toEqual([]);
  });

  it("mails a partner request to the verified address only, and its unsubscribe link stops them", async () => {
    const started = performance.now();
    const ana = await signUpLearner(stack, "Ana Unverified");
    await setProfile(tom, "en", "es");
    await setProfile(lucia, "es", "en");
    await setProfile(ana, "es", "en");
    // Ana asked for an address but never opened the link: it is not hers yet.
    const anaEmail = address("ana");
    await matrixRequest(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v3/account/3pid/email/requestToken",
      {
        token: ana.matrix.accessToken,
        body: { client_secret: randomUUID(), email: anaEmail, send_attempt: 1 },
      },
    );
    await smtp.waitFor(mailTo(anaEmail), MAIL_TIMEOUT_MS);
    const toAna = await tom.session.request("POST", "/api/partners/requests", {
      user_id: ana.matrix.userId,
    });
    expect(toAna.status, JSON.stringify(toAna.body)).toBe(201);

    const sentAt = Date.now();
    const sent = await lucia.session.request("POST", "/api/partners/requests", {
      user_id: tom.matrix.userId,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    // The request does not wait for SMTP.
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    const requestMail = await smtp.waitFor(
      (mail) => mail.to.includes(tomEmail) && /language partner/.test(mail.subject),
      MAIL_TIMEOUT_MS,
    );
    figures.requestMailMs = requestMail.receivedAt - sentAt;
    expect(requestMail.subject).toBe("Lucia Writes would like to be your language partner");
    expect(requestMail.text).toContain(`${stack.publicUrl}/partners/requests`);
    expect(requestMail.header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    // Only the validation mail ever went to Ana's unverified address.
    expect((await smtp.all()).filter(mailTo(anaEmail))).toHaveLength(1);

    // The link in the body opens a page with a button; the button (or a mail client's one-click
    // POST) unsubscribes.
    const link = requestMail.text.match(/Stop partner mails: (\S+)/)?.[1] ?? "";
    expect(link.startsWith(`${stack.publicUrl}/api/email/unsubscribe?token=`)).toBe(true);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Unsubscribe");
    expect((await tom.session.request("GET", "/api/email/settings")).body).toEqual({
      enabled: true,
      partner_mails: true,
    });
    const headerLink = requestMail.header("list-unsubscribe")?.match(/<([^>]+)>/)?.[1] ?? "";
    const oneClick = await fetch(headerLink, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://webmail.example.net",
      },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect((await tom.session.request("GET", "/api/email/settings")).body).toEqual({
      enabled: true,
      partner_mails: false,
    });

    // Pablo asks Tom, who opted out: no mail. Carla (verified) then asks Pablo, who accepts:
    // Carla gets the acceptance mail. Once that is in, Tom's absence is a fact, not a timeout.
    const before = (await smtp.all()).filter(mailTo(tomEmail)).length;
    const pablo = await signUpLearner(stack, "Pablo Again");
    await setProfile(pablo, "es", "en");
    const carla = await signUpLearner(stack, "Carla Control");
    const carlaEmail = address("carla");
    await addVerifiedEmail(carla, carlaEmail);
    await setProfile(carla, "en", "es");
    const toTom = await pablo.session.request("POST", "/api/partners/requests", {
      user_id: tom.matrix.userId,
    });
    expect(toTom.status).toBe(201);
    const toPablo = await carla.session.request<{ request: { id: string } }>(
      "POST",
      "/api/partners/requests",
      { user_id: pablo.matrix.userId },
    );
    expect(toPablo.status).toBe(201);
    const acceptedAt = Date.now();
    const accepted = await pablo.session.request(
      "POST",
      `/api/partners/requests/${toPablo.body.request.id}/accept`,
    );
    expect(accepted.status).toBe(200);
    const acceptance = await smtp.waitFor(
      (mail) => mail.to.includes(carlaEmail) && /accepted/.test(mail.subject),
      MAIL_TIMEOUT_MS,
    );
    figures.acceptanceMailMs = acceptance.receivedAt - acceptedAt;
    expect(acceptance.subject).toBe("Pablo Again accepted your partner request");
    expect(acceptance.text).toMatch(new RegExp(`${stack.publicUrl}/rooms/`));
    expect((await smtp.all()).filter(mailTo(tomEmail))).toHaveLength(before);
    expect(performance.now() - started).toBeLessThan(120_000);
  });

  it("keeps a partner mail through an SMTP outage and a bridge restart, and sends it once", async () => {
    const omar = await signUpLearner(stack, "Omar Offline");
    const omarEmail = address("omar");
    await addVerifiedEmail(omar, omarEmail);
    const rosa = await signUpLearner(stack, "Rosa Queued");
    await setProfile(omar, "en", "es");
    await setProfile(rosa, "es", "en");
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await smtp.stop();
      const sent = await rosa.session.request<{ request: { id: string } }>(
        "POST",
        "/api/partners/requests",
        { user_id: omar.matrix.userId },
      );
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      const requestId = sent.body.request.id;
      const mailRow = async () =>
        (
          await db.query<{ attempts: number; last_error: string | null; outcome: string | null }>(
            "SELECT attempts, last_error, outcome FROM partner_mails WHERE request_id = $1",
            [requestId],
          )
        ).rows[0];
      // The bridge tried, SMTP refused, and the mail waits in PostgreSQL for its retry.
      const waiting = await eventually(
        async () => {
          const row = await mailRow();
          return row && row.attempts >= 1 && row.last_error ? row : undefined;
        },
        "a failed first attempt",
        30_000,
      );
      expect(waiting.outcome).toBeNull();
      // A bridge restarted meanwhile has no memory of it: only the table remembers.
      await testStack.restartBridge();
      await smtp.start();
      // Retries come 10 s, then 60 s after a failure: a retry that fell while SMTP was still
      // down waits for the next one.
      const mail = await smtp.waitFor(
        (m) => m.to.includes(omarEmail) && /language partner/.test(m.subject),
        120_000,
      );
      expect(mail.subject).toBe("Rosa Queued would like to be your language partner");
      expect(mail.header("message-id")).toMatch(/^<partner-mail-\d+@/);
      await eventually(
        async () => ((await mailRow())?.outcome === "sent" ? true : undefined),
        "the mail settled as sent",
        10_000,
      );
      // Settled: nothing can send it again, and nothing did.
      expect((await smtp.all()).filter(mailTo(omarEmail))).toHaveLength(2);
    } finally {
      await smtp.start();
      await db.end();
    }
  }, 240_000);

  it("escapes hostile display names and keeps them out of the headers", async () => {
    const evil = await signUpLearner(
      stack,
      'Eve <img src=x onerror=alert(1)> Bcc: spy@evil.test "',
    );
    const target = await signUpLearner(stack, "Ines Target");
    const targetEmail = address("ines");
    await addVerifiedEmail(target, targetEmail);
    await setProfile(evil, "es", "en");
    await setProfile(target, "en", "es");
    const sent = await evil.session.request("POST", "/api/partners/requests", {
      user_id: target.matrix.userId,
    });
    expect(sent.status).toBe(201);
    const mail = await smtp.waitFor(
      (m) => m.to.includes(targetEmail) && /language partner/.test(m.subject),
      MAIL_TIMEOUT_MS,
    );
    expect(mail.to).toEqual([targetEmail]);
    expect(mail.header("bcc")).toBeUndefined();
    expect(mail.raw).not.toMatch(/^Bcc:/im);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("never lets a hostile address add a recipient or a header, answering each quickly", async () => {
    const hostile = [
      "not-an-address",
      "tom@learners.test\r\nBcc: spy@evil.test",
      "tom\r\nBcc: spy.evil.test@learners.test",
      "tom@learners.test>\r\nRCPT TO:<spy@evil.test",
      `${"a".repeat(70_000)}@learners.test`,
      "\u0000@learners.test",
      "",
    ];
    for (const email of hostile) {
      const started = performance.now();
      const outcome = await matrixRequest(
        stack.publicUrl,
        "POST",
        "/_matrix/client/v3/account/3pid/email/requestToken",
        {
          token: tom.matrix.accessToken,
          body: { client_secret: randomUUID(), email, send_attempt: 1 },
        },
      ).then(
        () => 200,
        (error: unknown) => (error instanceof MatrixError ? error.status : 0),
      );
      // Synapse refuses what it cannot parse (400, 413) and takes the rest as an address of
      // its own; a line break inside the local part makes its mailer fail (500, nothing sent).
      // What matters is below: no recipient or header gets in.
      expect([200, 400, 413, 500], JSON.stringify(email.slice(0, 40))).toContain(outcome);
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    // A well-formed request after them: once its mail is in, whatever the others caused is too.
    const marker = address("marker");
    await matrixRequest(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v3/account/3pid/email/requestToken",
      {
        token: tom.matrix.accessToken,
        body: { client_secret: randomUUID(), email: marker, send_attempt: 1 },
      },
    );
    await smtp.waitFor(mailTo(marker), MAIL_TIMEOUT_MS);
    for (const mail of await smtp.all()) {
      expect(mail.envelopeTo.join(",")).not.toContain("spy");
      expect(mail.header("bcc")).toBeUndefined();
      expect(mail.raw).not.toMatch(/^(Bcc|RCPT TO):/im);
    }
    // A forged or oversized bridge unsubscribe token changes nothing.
    for (const token of ["abc.def", "x".repeat(5_000)]) {
      const res = await fetch(`${stack.publicUrl}/api/email/unsubscribe?token=${token}`, {
        method: "POST",
      });
      expect(res.status).toBe(400);
      expect((await res.json()).errcode).toMatch(/^M_/);
    }
  });

  afterAll(() => {
    console.log(
      `email figures: missed-message mail ${Math.round(figures.missedMessageMs ?? 0)} ms after the send (Synapse waits ${NOTIF_DELAY_MS} ms by configuration), partner-request mail ${Math.round(figures.requestMailMs ?? 0)} ms after the request, acceptance mail ${Math.round(figures.acceptanceMailMs ?? 0)} ms after the accept`,
    );
  });
});

describe("Settings → Email in Chromium", () => {
  const browser = useChromium();

  it("adds an address: link mailed, opened, password given, verified with missed-message mails on", async () => {
    const bea = await signUpLearner(stack, "Bea Browser");
    const beaEmail = address("bea");
    const { context, page, errors } = await openPage(browser());
    try {
      await signInInBrowser(page, stack, bea);
      await page.goto(`${stack.publicUrl}/settings`);
      const section = page.getByRole("region", { name: "Email" });
      await section.getByLabel("Email address").fill(beaEmail);
      await section.getByRole("button", { name: "Send verification link" }).click();
      await section.getByText(`We sent a link to ${beaEmail}`).waitFor();

      // The learner opens the link from their mail in another tab.
      const mail = await smtp.waitFor(mailTo(beaEmail), MAIL_TIMEOUT_MS);
      const link = mail.text.match(/https?:\/\/\S+submit_token\?\S+/)?.[0] ?? "";
      const mailTab = await context.newPage();
      const opened = await mailTab.goto(link);
      expect(opened?.status()).toBe(200);
      await mailTab.close();

      await section.getByLabel("Password", { exact: true }).fill(bea.password);
      await section.getByRole("button", { name: "Finish" }).click();
      await section.getByText("(verified)").waitFor({ timeout: 15_000 });
      expect(await section.getByText(beaEmail).count()).toBeGreaterThan(0);
      await expect
        .poll(() => section.getByLabel("Email me about messages I have not read").isChecked())
        .toBe(true);
      expect((await pushersOf(bea)).map((p) => [p.kind, p.pushkey])).toEqual([["email", beaEmail]]);

      // Turning missed-message mails off removes the homeserver's email pusher.
      await section.getByLabel("Email me about messages I have not read").uncheck();
      await expect.poll(async () => (await pushersOf(bea)).length, { timeout: 10_000 }).toBe(0);

      // A partner request's mail: its link opens a page whose button unsubscribes, and the
      // settings page shows partner mails off afterwards.
      const raul = await signUpLearner(stack, "Raul Asks");
      await setProfile(bea, "en", "es");
      await setProfile(raul, "es", "en");
      const asked = await raul.session.request("POST", "/api/partners/requests", {
        user_id: bea.matrix.userId,
      });
      expect(asked.status).toBe(201);
      const requestMail = await smtp.waitFor(
        (m) => m.to.includes(beaEmail) && /language partner/.test(m.subject),
        MAIL_TIMEOUT_MS,
      );
      const stopLink = requestMail.text.match(/Stop partner mails: (\S+)/)?.[1] ?? "";
      const stopTab = await context.newPage();
      await stopTab.goto(stopLink);
      await stopTab.getByRole("button", { name: "Unsubscribe" }).click();
      await stopTab.getByRole("heading", { name: "Unsubscribed" }).waitFor();
      await stopTab.close();
      await page.reload();
      const reloaded = page.getByRole("region", { name: "Email" });
      await reloaded.getByText("(verified)").waitFor({ timeout: 15_000 });
      expect(
        await reloaded.getByLabel("Email me about partner requests and new partners").isChecked(),
      ).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("without SMTP", () => {
  const shared = inject("stack");

  it("the bridge says email is off and Synapse offers no address validation", async () => {
    const learner = await signUpLearner(shared, "Nora Nomail");
    const settings = await learner.session.request("GET", "/api/email/settings");
    expect(settings.body).toEqual({ enabled: false, partner_mails: false });
    const refused = await matrixRequest(
      shared.publicUrl,
      "POST",
      "/_matrix/client/v3/account/3pid/email/requestToken",
      {
        token: learner.matrix.accessToken,
        body: { client_secret: randomUUID(), email: address("nora"), send_attempt: 1 },
      },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MatrixError);
  });
});
