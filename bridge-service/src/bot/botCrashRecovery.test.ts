import { describe, expect, it, vi } from "vitest";
import { requestPartner, saveProfile } from "../domain/partners.js";
import { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";
import type { HomeserverClient } from "../matrix/homeserver.js";
import { createInMemoryBotStore } from "../store/memory/inMemoryBotStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createInMemoryPartnerContext, failNextCall } from "../testing/memoryPartnerContext.js";
import { ENGLISH_SPEAKER_INPUT, SPANISH_SPEAKER_INPUT } from "../testing/profiles.js";
import { startBot } from "./bot.js";

// Two replicas of the bot on shared stores (standing in for PostgreSQL). The first is cut off
// part-way through a command, as a SIGKILL would; Synapse redelivers the event and the second
// handles it. The command must act once and be answered once.

const BOT = "@xstream:localhost";
const ANA = "@ana:localhost";
const BEN = "@ben:localhost";
const CAI = "@cai:localhost";
const DM = "!dm:localhost";

const until = (check: () => void) => vi.waitFor(check, { interval: 2 });

async function setup() {
  // Like Synapse: a repeated transaction id gives back the event already sent.
  const timeline: { roomId: string; body: string; txnId: string }[] = [];
  const homeserver: HomeserverClient = {
    joinRoom: async (roomId) => ({ roomId }),
    pingHomeserver: async () => ({ durationMs: 0 }),
    async sendMessage(roomId, content, txnId) {
      const known = timeline.findIndex((message) => message.txnId === txnId);
      if (known < 0) timeline.push({ roomId, body: String(content.body), txnId });
      return { eventId: `$sent${known < 0 ? timeline.length : known + 1}` };
    },
    createRoom: async () => "!unused:localhost",
    displayNameOf: async () => undefined,
    defaultRoomVersion: async () => "12",
    setBotDisplayName: async () => {},
    kick: async () => {},
  };
  let clock = Date.UTC(2026, 0, 5, 12);
  const domain = createInMemoryPartnerContext({
    now: () => {
      clock += 1_000;
      return new Date(clock);
    },
  });
  const botStore = createInMemoryBotStore();
  await botStore.rememberDirectRoom(ANA, DM);
  const { logger } = createCapturedLogger();
  const crashes: unknown[] = [];
  const replica = () => {
    const events = new AppserviceEvents((error) => crashes.push(error));
    startBot({ events, homeserver, botUserId: BOT, logger, partners: domain.ctx, botStore });
    return events;
  };
  await saveProfile(domain.ctx, ANA, SPANISH_SPEAKER_INPUT, { displayName: "Ana" });
  await saveProfile(domain.ctx, BEN, ENGLISH_SPEAKER_INPUT, { displayName: "Ben" });
  await saveProfile(domain.ctx, CAI, ENGLISH_SPEAKER_INPUT, { displayName: "Cai" });
  return { ...domain, botStore, timeline, crashes, first: replica(), second: replica() };
}

let eventNumber = 0;
function command(body: string): ClientEvent {
  eventNumber++;
  return {
    type: "m.room.message",
    room_id: DM,
    sender: ANA,
    event_id: `$command${eventNumber}`,
    content: { msgtype: "m.text", body },
  };
}

const answers = (timeline: { roomId: string; body: string }[]) =>
  timeline.filter((message) => message.roomId === DM).map((message) => message.body);

describe("a command cut off between its effect and its saved answer", () => {
  it("`accept 1` accepts the request the first run picked, not the next one, and answers once", async () => {
    const t = await setup();
    await requestPartner(t.ctx, BEN, ANA);
    await requestPartner(t.ctx, CAI, ANA);
    // The first replica accepts Ben's request and dies before saving its answer.
    failNextCall(t.botStore, "saveReply", new Error("connection terminated"));
    const accept = command("accept 1");
    t.first.emit("event", accept);
    await until(() => expect(t.crashes).toHaveLength(1));
    expect(t.rooms).toHaveLength(1);
    expect(answers(t.timeline)).toEqual([]);

    t.second.emit("event", accept);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/You and Ben .*are partners now/);
    // Cai's request, now number 1, is still open; one partnership, one room.
    expect((await t.partners.pendingRequestsOf(ANA)).incoming.map((r) => r.requester)).toEqual([
      CAI,
    ]);
    expect((await t.partners.partnershipsOf(ANA)).map((p) => p.users)).toEqual([[ANA, BEN]]);
    expect(t.rooms).toHaveLength(1);
    // Delivered yet again later (another redelivery): the saved answer, same transaction id.
    t.first.emit("event", accept);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answers(t.timeline)).toHaveLength(1);
  });

  it("`accept 2` cut off before it acted accepts the request it picked once the numbers moved", async () => {
    const t = await setup();
    const fromBen = (await requestPartner(t.ctx, BEN, ANA)).request;
    await requestPartner(t.ctx, CAI, ANA);
    // The first replica picks Cai's request and dies inside the accept (it never returns).
    const acceptInStore = t.partners.acceptRequest;
    t.partners.acceptRequest = () => new Promise(() => {});
    const accept = command("accept 2");
    t.first.emit("event", accept);
    await until(async () =>
      expect((await t.botStore.startCommand(accept.event_id))?.target?.requester.userId).toBe(CAI),
    );
    t.partners.acceptRequest = acceptInStore;
    // Meanwhile Ana declines Ben's on the web: Cai's request is number 1 now.
    await t.partners.declineRequest(fromBen.id, ANA, new Date());

    t.second.emit("event", accept);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/You and Cai .*are partners now/);
    expect((await t.partners.partnershipsOf(ANA)).map((p) => p.users)).toEqual([[ANA, CAI]]);
  });

  it("`decline 1` declines one request and answers as the first run would have", async () => {
    const t = await setup();
    await requestPartner(t.ctx, BEN, ANA);
    await requestPartner(t.ctx, CAI, ANA);
    failNextCall(t.botStore, "saveReply", new Error("connection terminated"));
    const decline = command("decline 1");
    t.first.emit("event", decline);
    await until(() => expect(t.crashes).toHaveLength(1));
    t.second.emit("event", decline);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/Declined the request from Ben/);
    expect((await t.partners.pendingRequestsOf(ANA)).incoming.map((r) => r.requester)).toEqual([
      CAI,
    ]);
  });

  it("`connect` asks once, tells the recipient once, and answers that the request was sent", async () => {
    const t = await setup();
    failNextCall(t.botStore, "saveReply", new Error("connection terminated"));
    const connect = command(`connect ${BEN}`);
    t.first.emit("event", connect);
    await until(() => expect(t.crashes).toHaveLength(1));
    t.second.emit("event", connect);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/asked Ben/i);
    expect(answers(t.timeline)[0]).not.toMatch(/already/i);
    expect((await t.partners.pendingRequestsOf(BEN)).incoming).toHaveLength(1);
    expect(t.told).toEqual([{ kind: "received", requestId: expect.any(String) }]);
  });

  it("`connect` that accepted their request on the first run answers with the partnership", async () => {
    const t = await setup();
    await requestPartner(t.ctx, BEN, ANA);
    failNextCall(t.botStore, "saveReply", new Error("connection terminated"));
    const connect = command(`connect ${BEN}`);
    t.first.emit("event", connect);
    await until(() => expect(t.crashes).toHaveLength(1));
    t.second.emit("event", connect);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/You and Ben .*are partners now/);
    expect(t.rooms).toHaveLength(1);
  });

  it("`report` files one report for the moderators and answers once", async () => {
    const t = await setup();
    // The first replica files the report and dies before saving its answer.
    failNextCall(t.botStore, "saveReply", new Error("connection terminated"));
    const report = command(`report ${BEN} sent me spam`);
    t.first.emit("event", report);
    await until(() => expect(t.crashes).toHaveLength(1));
    expect(await t.partners.listReports(10)).toHaveLength(1);
    t.second.emit("event", report);
    await until(() => expect(answers(t.timeline)).toHaveLength(1));
    expect(answers(t.timeline)[0]).toMatch(/went to the moderators/);
    expect(await t.partners.listReports(10)).toEqual([
      expect.objectContaining({ reporter: ANA, reported: BEN, reason: "sent me spam" }),
    ]);
  });
});
