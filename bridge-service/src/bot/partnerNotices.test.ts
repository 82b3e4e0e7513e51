import { describe, expect, it } from "vitest";
import { createPartnerNoticeOutbox, type PartnerNoticeOutbox } from "../domain/partnerNotices.js";
import { acceptRequest, requestPartner, saveProfile } from "../domain/partners.js";
import { HomeserverError } from "../matrix/homeserver.js";
import { createInMemoryBotStore } from "../store/memory/inMemoryBotStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createInMemoryPartnerContext, failNextCall } from "../testing/memoryPartnerContext.js";
import { ENGLISH_SPEAKER_INPUT, SPANISH_SPEAKER_INPUT } from "../testing/profiles.js";
import { createPartnerNoticeSender } from "./partnerNotices.js";

// Two "replicas" share one set of in-memory stores (standing in for PostgreSQL) and one
// homeserver that, like Synapse, turns a repeated transaction id into the event it already sent.
// A replica "dies" by never running the rest of what it was doing.

const ANA = "@ana:localhost";
const BEN = "@ben:localhost";
const ANA_DM = "!ana-dm:localhost";
const BEN_DM = "!ben-dm:localhost";
const GRACE_MS = 15_000;
const LEASE_MS = 60_000;

async function setup(options: { failSends?: number } = {}) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(clock);
  const domain = createInMemoryPartnerContext({ now });
  const botStore = createInMemoryBotStore();
  await botStore.rememberDirectRoom(ANA, ANA_DM);
  await botStore.rememberDirectRoom(BEN, BEN_DM);
  const timeline: { roomId: string; body: string }[] = [];
  const txnIds = new Map<string, number>();
  let failuresLeft = options.failSends ?? 0;
  const homeserver = {
    async sendMessage(roomId: string, content: Record<string, unknown>, txnId: string) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new HomeserverError(502, undefined, "bad gateway");
      }
      const known = txnIds.get(txnId);
      if (known !== undefined) return { eventId: `$event${known}` };
      timeline.push({ roomId, body: String(content.body) });
      txnIds.set(txnId, timeline.length);
      return { eventId: `$event${timeline.length}` };
    },
  };
  const { logger, records } = createCapturedLogger();
  const replica = (): PartnerNoticeOutbox =>
    createPartnerNoticeOutbox({
      store: domain.partners.notices,
      deliver: createPartnerNoticeSender({
        partners: domain.ctx,
        homeserver,
        botStore,
        serverName: "localhost",
      }),
      logger,
      now,
      retryDelaysMs: [1_000, 5_000],
      leaseMs: LEASE_MS,
      writerGraceMs: GRACE_MS,
    });
  const first = replica();
  // The domain tells through the outbox, as main.ts wires it.
  domain.ctx.matrix.tellRequestReceived = (request) =>
    first.deliverNow(request.id, "request_received");
  domain.ctx.matrix.tellRequestAccepted = (request) =>
    first.deliverNow(request.id, "request_accepted");
  await saveProfile(domain.ctx, ANA, SPANISH_SPEAKER_INPUT, { displayName: "Ana" });
  await saveProfile(domain.ctx, BEN, ENGLISH_SPEAKER_INPUT, { displayName: "Ben" });
  return {
    ...domain,
    first,
    second: replica(),
    timeline,
    records,
    wait: (ms: number) => {
      clock += ms;
    },
    /** The writer dies after its transaction: the domain's own telling never happens. */
    writerDies() {
      domain.ctx.matrix.tellRequestReceived = async () => {};
      domain.ctx.matrix.tellRequestAccepted = async () => {};
    },
  };
}

const inRoom = (timeline: { roomId: string; body: string }[], roomId: string) =>
  timeline.filter((message) => message.roomId === roomId).map((message) => message.body);

describe("partner notices through the outbox", () => {
  it("are sent by the writer at once, and the sweep finds nothing left", async () => {
    const t = await setup();
    const { request } = await requestPartner(t.ctx, ANA, BEN);
    expect(inRoom(t.timeline, BEN_DM)).toEqual([
      expect.stringMatching(/^Ana .*would like to practise with you/),
    ]);
    await acceptRequest(t.ctx, BEN, request.id);
    expect(inRoom(t.timeline, ANA_DM)).toEqual([expect.stringMatching(/^Ben .*accepted/)]);
    t.wait(GRACE_MS + LEASE_MS);
    expect(await t.second.sweep()).toBe(0);
    expect(t.timeline).toHaveLength(2);
  });

  it("survive a writer that dies between the request and its notice: another replica sends it once", async () => {
    const t = await setup();
    t.writerDies();
    const { request } = await requestPartner(t.ctx, ANA, BEN);
    expect(t.timeline).toEqual([]);
    // Within the writer's grace the sweep leaves it alone: a living writer is sending it.
    expect(await t.second.sweep()).toBe(0);
    t.wait(GRACE_MS + 1);
    expect(await t.second.sweep()).toBe(1);
    expect(inRoom(t.timeline, BEN_DM)).toEqual([
      expect.stringMatching(/^Ana .*would like to practise with you/),
    ]);

    await acceptRequest(t.ctx, BEN, request.id);
    t.wait(GRACE_MS + 1);
    // Both replicas sweep; only one claims it.
    const tried = await Promise.all([t.first.sweep(), t.second.sweep()]);
    expect(tried.sort()).toEqual([0, 1]);
    expect(inRoom(t.timeline, ANA_DM)).toEqual([expect.stringMatching(/^Ben .*accepted/)]);
    expect(inRoom(t.timeline, ANA_DM)[0]).toContain("!room1:localhost");
    t.wait(LEASE_MS * 10);
    expect(await t.first.sweep()).toBe(0);
    expect(t.partners.notices.all().every((notice) => notice.sentAt)).toBe(true);
  });

  it("show once when a replica dies between sending and marking sent: the resend reuses the transaction id", async () => {
    const t = await setup();
    failNextCall(t.partners.notices, "markSent", new Error("connection terminated"));
    await requestPartner(t.ctx, ANA, BEN);
    expect(t.timeline).toHaveLength(1);
    // The claim's lease has to run out before another replica may take the notice over.
    t.wait(GRACE_MS + 1);
    expect(await t.second.sweep()).toBe(0);
    t.wait(LEASE_MS);
    expect(await t.second.sweep()).toBe(1);
    expect(t.timeline).toHaveLength(1);
    const [notice] = t.partners.notices.all();
    expect(notice?.attempts).toBe(2);
    expect(notice?.sentAt).toBeDefined();
  });

  it("retry after the homeserver failed, with growing waits, and send once", async () => {
    const t = await setup({ failSends: 2 });
    await requestPartner(t.ctx, ANA, BEN);
    expect(t.timeline).toEqual([]);
    t.wait(999);
    expect(await t.second.sweep()).toBe(0);
    t.wait(1);
    expect(await t.second.sweep()).toBe(1);
    expect(t.timeline).toEqual([]);
    t.wait(4_999);
    expect(await t.second.sweep()).toBe(0);
    t.wait(1);
    expect(await t.second.sweep()).toBe(1);
    expect(inRoom(t.timeline, BEN_DM)).toHaveLength(1);
  });

  it("give up after the last retry with a log line, and stay given up", async () => {
    const t = await setup({ failSends: 100 });
    const { request } = await requestPartner(t.ctx, ANA, BEN);
    for (const ms of [1_000, 5_000]) {
      t.wait(ms);
      expect(await t.second.sweep()).toBe(1);
    }
    const gaveUp = t
      .records()
      .filter((record) => record.msg === "gave up sending a partner notice");
    expect(gaveUp).toEqual([
      expect.objectContaining({ requestId: request.id, kind: "request_received", attempts: 3 }),
    ]);
    t.wait(LEASE_MS * 100);
    expect(await t.second.sweep()).toBe(0);
    expect(t.timeline).toEqual([]);
  });
});
