import { describe, expect, it } from "vitest";
import { createInMemoryPartnerMailStore } from "../store/memory/inMemoryPartnerMailStore.js";
import type { PendingMail } from "../store/partnerMailStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { MAIL_MAX_AGE_MS, type OutgoingMail, type PreparedMail } from "./partnerMail.js";
import { createPartnerMailOutbox, DEFAULT_MAIL_RETRY_DELAYS_MS } from "./partnerMailOutbox.js";

const START = new Date("2026-03-02T10:00:00Z");
const [FIRST, SECOND] = [1_000, 5_000];
const DELAYS = [FIRST, SECOND];

const mailFor = (pending: PendingMail): OutgoingMail => ({
  to: `${pending.userId.slice(1, 4)}@example.org`,
  subject: `mail ${pending.requestId}`,
  text: "hello",
  html: "<p>hello</p>",
  unsubscribeUrl: "http://localhost/unsubscribe",
});

/** An outbox on an in-memory table, a clock the test moves, and a fake SMTP server. */
function setup(
  prepare: (pending: PendingMail) => Promise<PreparedMail> = async (p) => ({
    send: mailFor(p),
  }),
) {
  const store = createInMemoryPartnerMailStore();
  const { logger, lines } = createCapturedLogger();
  let now = START;
  const sent: OutgoingMail[] = [];
  const smtp = { down: false, stall: false };
  const outbox = createPartnerMailOutbox({
    store,
    prepare,
    transport: {
      async send(mail) {
        if (smtp.stall) return new Promise(() => {});
        if (smtp.down) throw new Error("connect ECONNREFUSED 127.0.0.1:2525");
        sent.push(mail);
      },
    },
    messageIdDomain: "chat.example.org",
    logger,
    now: () => now,
    retryDelaysMs: DELAYS,
    leaseMs: 200,
  });
  return {
    store,
    outbox,
    sent,
    smtp,
    lines,
    at: (ms: number) => {
      now = new Date(START.getTime() + ms);
    },
  };
}

describe("the partner mail outbox", () => {
  it("sends each recorded mail once, with a Message-ID of its own, and settles it", async () => {
    const { store, outbox, sent } = setup();
    store.record("r1", "request_received", "@ana:localhost", START);
    store.record("r1", "request_received", "@ana:localhost", START);
    store.record("r2", "request_accepted", "@tom:localhost", START);
    expect(await outbox.sweep()).toBe(2);
    expect(await outbox.sweep()).toBe(0);
    expect(sent.map((mail) => mail.subject).sort()).toEqual(["mail r1", "mail r2"]);
    expect(new Set(sent.map((mail) => mail.messageId)).size).toBe(2);
    expect(sent[0]?.messageId).toMatch(/^<partner-mail-\d+@chat\.example\.org>$/);
    expect(store.all().map((mail) => mail.outcome)).toEqual(["sent", "sent"]);
  });

  it("retries a failed send after a growing delay, then sends it once SMTP is back", async () => {
    const { store, outbox, sent, smtp, at } = setup();
    store.record("r1", "request_received", "@ana:localhost", START);
    smtp.down = true;
    expect(await outbox.sweep()).toBe(1);
    expect(store.all()[0]).toMatchObject({
      attempts: 1,
      lastError: expect.stringMatching(/ECONN/),
    });
    at(FIRST - 1);
    expect(await outbox.sweep()).toBe(0);
    at(FIRST);
    expect(await outbox.sweep()).toBe(1);
    // The second delay is the longer one.
    at(FIRST + SECOND - 1);
    expect(await outbox.sweep()).toBe(0);
    smtp.down = false;
    at(FIRST + SECOND);
    expect(await outbox.sweep()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(store.all()[0]).toMatchObject({ outcome: "sent", attempts: 3 });
  });

  it("gives up after the last retry and keeps why, without the address in the log", async () => {
    const { store, outbox, sent, smtp, at, lines } = setup();
    store.record("r1", "request_received", "@ana:localhost", START);
    smtp.down = true;
    await outbox.sweep();
    at(10_000);
    await outbox.sweep();
    at(20_000);
    await outbox.sweep();
    at(1_000_000);
    expect(await outbox.sweep()).toBe(0);
    expect(sent).toEqual([]);
    expect(store.all()[0]).toMatchObject({
      attempts: DELAYS.length + 1,
      outcome: "given_up",
      reason: expect.stringContaining("ECONNREFUSED"),
    });
    expect(lines.join("")).toContain("gave up a partner mail");
    expect(lines.join("")).not.toContain("ana@example.org");
  });

  it("settles skipped mails with their reason and sends nothing", async () => {
    const { store, outbox, sent } = setup(async () => ({ skip: "opted out" }));
    store.record("r1", "request_received", "@ana:localhost", START);
    await outbox.sweep();
    expect(sent).toEqual([]);
    expect(store.all()[0]).toMatchObject({ outcome: "skipped", reason: "opted out" });
  });

  it("retries a lookup that failed, as a failed send", async () => {
    let calls = 0;
    const { store, outbox, sent, at } = setup(async (pending) => {
      calls++;
      if (calls === 1) throw new Error("Synapse is restarting");
      return { send: mailFor(pending) };
    });
    store.record("r1", "request_received", "@ana:localhost", START);
    await outbox.sweep();
    expect(sent).toEqual([]);
    at(FIRST);
    await outbox.sweep();
    expect(sent).toHaveLength(1);
  });

  it("does not count waiting for the partner room as attempts", async () => {
    let roomReady = false;
    const { store, outbox, sent, smtp, at } = setup(async (pending) =>
      roomReady ? { send: mailFor(pending) } : { postpone: "partner room not made yet" },
    );
    store.record("r1", "request_accepted", "@tom:localhost", START);
    for (let i = 0; i < 10; i++) {
      at(i * 2_000);
      expect(await outbox.sweep()).toBe(1);
    }
    expect(store.all()[0]).toMatchObject({ attempts: 0, outcome: undefined });
    roomReady = true;
    smtp.down = true;
    at(20_000);
    await outbox.sweep();
    // The first real failure still has every retry ahead of it.
    expect(store.all()[0]).toMatchObject({ attempts: 1, outcome: undefined });
    smtp.down = false;
    at(20_000 + FIRST);
    await outbox.sweep();
    expect(sent).toHaveLength(1);
  });

  it("gives up an attempt on a stalled SMTP server before its lease runs out", async () => {
    const { store, outbox, smtp } = setup();
    store.record("r1", "request_received", "@ana:localhost", START);
    smtp.stall = true;
    const started = performance.now();
    await outbox.sweep();
    // Half the 200 ms lease, with room for a busy machine.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(store.all()[0]).toMatchObject({ lastError: "SMTP took too long", outcome: undefined });
  });

  it("retries for less time than a mail stays worth sending", () => {
    const retrying = DEFAULT_MAIL_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(retrying).toBeGreaterThan(8 * 3_600_000);
    expect(retrying).toBeLessThan(MAIL_MAX_AGE_MS);
  });

  it("sends a backlog in one sweep, two at a time", async () => {
    const { store, outbox, sent } = setup();
    for (let i = 0; i < 25; i++) store.record(`r${i}`, "request_received", "@ana:localhost", START);
    expect(await outbox.sweep()).toBe(25);
    expect(new Set(sent.map((mail) => mail.subject)).size).toBe(25);
  });
});
