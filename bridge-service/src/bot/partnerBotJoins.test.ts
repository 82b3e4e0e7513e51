import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";
import { answerPartnerBotJoins, JOIN_SEEN_EVENT_TYPE } from "./partnerBotJoins.js";

const BOT = "@xstream:a.example";
const PARTNER_BOT = "@xstream:b.example";

function member(
  stateKey: string,
  membership: string,
  prevMembership?: string,
  eventId = "$join",
): ClientEvent {
  return {
    type: "m.room.member",
    room_id: "!directory:a.example",
    sender: stateKey,
    event_id: eventId,
    state_key: stateKey,
    content: { membership },
    ...(prevMembership ? { unsigned: { prev_content: { membership: prevMembership } } } : {}),
  };
}

function started(send: (txnId: string) => Promise<void> = async () => {}) {
  const events = new AppserviceEvents((error) => {
    throw error;
  });
  const sent: { roomId: string; type: string; content: unknown; txnId: string }[] = [];
  answerPartnerBotJoins({
    events,
    botUserId: BOT,
    partners: ["b.example"],
    send: async (roomId, type, content, txnId) => {
      sent.push({ roomId, type, content, txnId });
      await send(txnId);
    },
    logger: createLogger("silent"),
  });
  return { events, sent };
}

describe("answering a partner bot's join", () => {
  it("writes one event after a partner's bot joins, keyed by the join so a replay is one event", async () => {
    const { events, sent } = started();
    await events.emit("event", member(PARTNER_BOT, "join", "invite"));
    await events.emit("event", member(PARTNER_BOT, "join", "invite"));
    expect(sent).toEqual([
      {
        roomId: "!directory:a.example",
        type: JOIN_SEEN_EVENT_TYPE,
        content: { user_id: PARTNER_BOT },
        txnId: "join-seen-$join",
      },
      {
        roomId: "!directory:a.example",
        type: JOIN_SEEN_EVENT_TYPE,
        content: { user_id: PARTNER_BOT },
        txnId: "join-seen-$join",
      },
    ]);
  });

  it("ignores its own bot, learners, bots of servers not listed, profile changes and leaves", async () => {
    const { events, sent } = started();
    await events.emit("event", member(BOT, "join", "invite"));
    await events.emit("event", member("@ana:b.example", "join", "invite"));
    await events.emit("event", member("@xstream:c.example", "join", "invite"));
    await events.emit("event", member("@xstream-evil:b.example", "join"));
    await events.emit("event", member(PARTNER_BOT, "join", "join"));
    await events.emit("event", member(PARTNER_BOT, "leave", "join"));
    await events.emit("event", member(PARTNER_BOT, "invite"));
    expect(sent).toEqual([]);
  });

  it("logs a failed send instead of failing the transaction", async () => {
    const { events, sent } = started(async () => {
      throw new Error("homeserver down");
    });
    await expect(events.emit("event", member(PARTNER_BOT, "join"))).resolves.toBeUndefined();
    expect(sent).toHaveLength(1);
  });
});
