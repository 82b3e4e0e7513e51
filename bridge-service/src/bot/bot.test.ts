import { describe, expect, it, vi } from "vitest";
import type { PartnerContext } from "../domain/partnerContext.js";
import { acceptRequest, requestPartner, saveProfile } from "../domain/partners.js";
import { emptyProfileInput, type ProfileInput } from "../domain/profiles.js";
import { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";
import { type HomeserverClient, HomeserverError } from "../matrix/homeserver.js";
import { createInMemoryBotStore } from "../store/memory/inMemoryBotStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createInMemoryPartnerContext, failNextCall } from "../testing/memoryPartnerContext.js";
import { startBot } from "./bot.js";

// The bot runs on the real partners domain over in-memory stores that keep the PostgreSQL
// stores' contract (testing/partnerStoresContract.ts), so each test checks what a command
// really did to the learner's data as well as what the bot answered.

const BOT = "@xstream:localhost";
const ANA = "@ana:localhost";
const REMOTE = "@rémi:other.example";
const BEN = "@ben:localhost";
const CLEO = "@cleo:other.example";
const DM = "!dm:localhost";

const SPANISH_SPEAKER: ProfileInput = {
  ...emptyProfileInput(),
  native: ["es"],
  learning: [{ language: "en", level: "B1" }],
};
const ENGLISH_SPEAKER: ProfileInput = {
  ...emptyProfileInput(),
  native: ["en"],
  learning: [{ language: "es", level: "A2" }],
};

// Replies come within milliseconds; the default 50 ms polling would dominate the run time.
const until = (check: () => void) => vi.waitFor(check, { interval: 2 });

const inviteForBot: ClientEvent = {
  type: "m.room.member",
  room_id: DM,
  sender: ANA,
  event_id: "$i",
  state_key: BOT,
  content: { membership: "invite", is_direct: true },
};

let eventNumber = 0;
function message(body: string, overrides: Partial<ClientEvent> = {}): ClientEvent {
  eventNumber++;
  return {
    type: "m.room.message",
    room_id: DM,
    sender: ANA,
    event_id: `$m${eventNumber}`,
    content: { msgtype: "m.text", body },
    ...overrides,
  };
}

interface Sent {
  roomId: string;
  content: Record<string, unknown>;
  txnId: string;
}

function setup(
  options: {
    joinRoom?: HomeserverClient["joinRoom"];
    /** true: every send fails; a number: that many sends fail first. */
    failSend?: boolean | number;
  } = {},
) {
  const events = new AppserviceEvents((error) => {
    throw error;
  });
  const sleeps: number[] = [];
  const sent: Sent[] = [];
  const join = vi.fn(options.joinRoom ?? (async (roomId: string) => ({ roomId })));
  let failuresLeft =
    options.failSend === true ? Number.POSITIVE_INFINITY : Number(options.failSend ?? 0);
  const homeserver: HomeserverClient = {
    joinRoom: join,
    pingHomeserver: async () => ({ durationMs: 0 }),
    async sendMessage(roomId, content, txnId) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new HomeserverError(502, undefined, "bad gateway");
      }
      sent.push({ roomId, content, txnId });
      return { eventId: `$sent${sent.length}` };
    },
    createRoom: async () => "!unused:localhost",
    displayNameOf: async () => undefined,
    defaultRoomVersion: async () => "12",
    setBotDisplayName: async () => {},
    kick: async () => {},
  };
  const botStore = createInMemoryBotStore();
  const { logger, records } = createCapturedLogger();
  // A clock that moves on a second each time the domain reads it: requests get distinct times.
  let clock = Date.UTC(2026, 0, 5, 12);
  const domain = createInMemoryPartnerContext({
    now: () => {
      clock += 1_000;
      return new Date(clock);
    },
  });
  const stop = startBot({
    events,
    homeserver,
    botUserId: BOT,
    logger,
    partners: domain.ctx,
    botStore,
    joinRetryDelaysMs: [10, 40],
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

  /** Emits `body` from `sender` and resolves with the bot's reply text. */
  async function say(body: string, sender = ANA, roomId = DM): Promise<string> {
    const before = sent.length;
    events.emit("event", message(body, { sender, room_id: roomId }));
    await until(() => expect(sent.length).toBeGreaterThan(before));
    return String(sent[before]?.content.body);
  }

  return { events, join, sleeps, sent, botStore, logs: records, say, stop, domain, ...domain };
}

/** A bot whose DM with Ana (and a remote learner) already exists. */
async function withDirectRooms(options: Parameters<typeof setup>[0] = {}) {
  const bot = setup(options);
  await bot.botStore.rememberDirectRoom(ANA, DM);
  await bot.botStore.rememberDirectRoom(REMOTE, "!remote:other.example");
  return bot;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A learner with a profile, as the web form or earlier commands would have left it. */
function learner(ctx: PartnerContext, userId: string, displayName: string, input: ProfileInput) {
  return saveProfile(ctx, userId, input, { displayName });
}

/** `from` asks `to` to be partners, as if from the web client. */
async function asks(ctx: PartnerContext, from: string, to: string) {
  return (await requestPartner(ctx, from, to)).request;
}

describe("startBot: invites", () => {
  it("retries a failing join with backoff until it succeeds", async () => {
    let calls = 0;
    const { events, join, sleeps } = setup({
      joinRoom: async (roomId) => {
        calls++;
        if (calls < 3) throw new HomeserverError(502, undefined, "bad gateway");
        return { roomId };
      },
    });
    events.emit("event", inviteForBot);
    await until(() => expect(join).toHaveBeenCalledTimes(3));
    expect(sleeps).toEqual([10, 40]);
    expect(join).toHaveBeenCalledWith(DM);
  });

  it("gives up after the last retry without throwing", async () => {
    const { events, join, botStore } = setup({
      joinRoom: () => Promise.reject(new TypeError("fetch failed")),
    });
    events.emit("event", inviteForBot);
    await until(() => expect(join).toHaveBeenCalledTimes(3));
    await settle();
    expect(await botStore.directRoomOf(ANA)).toBeUndefined();
  });

  it("does not retry when the homeserver refuses", async () => {
    const { events, join, sleeps } = setup({
      joinRoom: () => Promise.reject(new HomeserverError(403, "M_FORBIDDEN", "not invited")),
    });
    events.emit("event", inviteForBot);
    await until(() => expect(join).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(join).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it("asks again when another server refuses: its invite may not be stored there yet", async () => {
    let calls = 0;
    const { events, join, sleeps, sent } = setup({
      joinRoom: async (roomId) => {
        calls++;
        if (calls < 3) throw new HomeserverError(403, "M_FORBIDDEN", "not invited");
        return { roomId };
      },
    });
    events.emit("event", { ...inviteForBot, sender: "@bob:b.example" });
    await until(() => expect(sent).toHaveLength(1));
    expect(join).toHaveBeenCalledTimes(3);
    expect(sleeps).toEqual([10, 40]);
  });

  it("remembers a direct invite as the inviter's DM and greets them", async () => {
    const { events, sent, botStore } = setup();
    events.emit("event", inviteForBot);
    await until(() => expect(sent).toHaveLength(1));
    expect(await botStore.directRoomOwner(DM)).toBe(ANA);
    expect(sent[0]).toMatchObject({ roomId: DM, txnId: "xstream-greeting-$i" });
    expect(sent[0]?.content).toMatchObject({
      msgtype: "m.notice",
      format: "org.matrix.custom.html",
    });
    expect(sent[0]?.content.body).toMatch(/`help`/);
  });

  it("joins other rooms it is invited to without treating them as DMs", async () => {
    const { events, join, sent, botStore } = setup();
    events.emit("event", {
      ...inviteForBot,
      room_id: "!group:localhost",
      content: { membership: "invite" },
    });
    await until(() => expect(join).toHaveBeenCalledWith("!group:localhost"));
    await settle();
    expect(await botStore.directRoomOwner("!group:localhost")).toBeUndefined();
    expect(sent).toEqual([]);
  });
});

describe("startBot: which messages it answers", () => {
  it("answers typed text in a DM with an m.notice, once per event id", async () => {
    const { events, sent } = await withDirectRooms();
    const event = message("help");
    events.emit("event", event);
    await until(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ roomId: DM, txnId: `xstream-reply-${event.event_id}` });
    expect(sent[0]?.content).toMatchObject({
      msgtype: "m.notice",
      format: "org.matrix.custom.html",
      "m.mentions": {},
    });
    expect(String(sent[0]?.content.formatted_body)).toContain("<code>");
  });

  it("ignores rooms that are not its DMs, its own messages, notices, edits and strangers", async () => {
    const { events, sent } = await withDirectRooms();
    events.emit("event", message("help", { room_id: "!group:localhost" }));
    events.emit("event", message("help", { sender: BOT }));
    events.emit("event", message("help", { content: { msgtype: "m.notice", body: "help" } }));
    events.emit("event", message("help", { content: { msgtype: "m.image", body: "help.png" } }));
    events.emit(
      "event",
      message("* help", {
        content: {
          msgtype: "m.text",
          body: "* help",
          "m.new_content": { msgtype: "m.text", body: "help" },
          "m.relates_to": { rel_type: "m.replace", event_id: "$old" },
        },
      }),
    );
    // Someone Ana let into her DM is not talking to the bot.
    events.emit("event", message("help", { sender: "@guest:localhost" }));
    events.emit("event", { ...message("help"), type: "m.room.topic", state_key: "" });
    await settle();
    expect(sent).toEqual([]);
  });

  it("answers learners on other homeservers, keyed by their full id", async () => {
    const { say, profiles } = await withDirectRooms();
    expect(await say("native fr", REMOTE, "!remote:other.example")).toMatch(/French/);
    expect((await profiles.get(REMOTE))?.native).toEqual(["fr"]);
    expect(await profiles.get(ANA)).toBeUndefined();
  });

  it("reads a mention pill as the user id", async () => {
    const { events, sent, partners } = await withDirectRooms();
    events.emit(
      "event",
      message("block Troll", {
        content: {
          msgtype: "m.text",
          body: "block Troll",
          format: "org.matrix.custom.html",
          formatted_body: 'block <a href="https://matrix.to/#/@troll:other.example">Troll</a>',
        },
      }),
    );
    await until(() => expect(sent).toHaveLength(1));
    expect(String(sent[0]?.content.body)).toMatch(/Blocked `@troll:other.example`/);
    expect((await partners.blocksOf(ANA)).map((block) => block.blocked)).toEqual([
      "@troll:other.example",
    ]);
  });

  it("retries a reply while the homeserver is away, with the same transaction id", async () => {
    const { events, sent, sleeps } = await withDirectRooms({ failSend: 2 });
    const help = message("help");
    events.emit("event", help);
    await until(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.txnId).toBe(`xstream-reply-${help.event_id}`);
    expect(sleeps).toEqual([1_000, 2_000]);
  });

  it("politely refuses a message longer than any command, then answers the next one", async () => {
    const { events, sent, say } = await withDirectRooms();
    // The message from issue 11, which once held the bridge's CPU for minutes.
    events.emit(
      "event",
      message("help", {
        content: {
          msgtype: "m.text",
          body: "help",
          format: "org.matrix.custom.html",
          formatted_body: '<a href="x" '.repeat(2_000),
        },
      }),
    );
    await until(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.content.msgtype).toBe("m.notice");
    expect(String(sent[0]?.content.body)).toMatch(/too long for me to read as a command/);
    expect(await say(`interests ${"hiking ".repeat(400)}`)).toMatch(/too long/);
    expect(await say("help")).toMatch(/match/);
  });

  it("keeps answering when a reply cannot be sent", async () => {
    const { events, logs } = await withDirectRooms({ failSend: true });
    events.emit("event", message("help"));
    await until(() =>
      expect(logs().some((log) => log.msg === "could not send a reply")).toBe(true),
    );
  });
});

describe("startBot: profile commands", () => {
  it("builds a profile piece by piece, in the order sent, publishing each version", async () => {
    const { events, sent, profiles, published } = await withDirectRooms();
    // Sent back to back: each must see the previous one's result.
    for (const text of [
      "native es",
      "learn en B1",
      "learn fr a2",
      "interests hiking, jazz",
      "timezone europe/madrid",
      "learn fr remove",
      "discoverable off",
    ]) {
      events.emit("event", message(text));
    }
    await until(() => expect(sent).toHaveLength(7));
    expect(await profiles.get(ANA)).toMatchObject({
      native: ["es"],
      learning: [{ language: "en", level: "B1" }],
      interests: ["hiking", "jazz"],
      timezone: "Europe/Madrid",
      discoverable: false,
    });
    expect(sent[0]?.content.body).toMatch(/Saved\. native Spanish/);
    expect(sent[2]?.content.body).toMatch(/learning English B1, French A2/);
    // Each change reached Matrix too (the profile fields other clients read).
    expect(published).toEqual(Array(7).fill(ANA));
  });

  it("updates the level of a language already learnt", async () => {
    const { say, profiles } = await withDirectRooms();
    await say("native es");
    await say("learn en A2");
    expect(await say("learn en C1")).toMatch(/learning English C1/);
    expect((await profiles.get(ANA))?.learning).toEqual([{ language: "en", level: "C1" }]);
  });

  it("shows the profile, or how to start one", async () => {
    const { say } = await withDirectRooms();
    expect(await say("profile")).toMatch(/have a profile yet/);
    await say("native es");
    const shown = await say("profile");
    expect(shown).toMatch(/Native: Spanish/);
    expect(shown).toMatch(/`learn en B1`/);
  });

  it("explains clashes between native and learnt languages", async () => {
    const { say, profiles } = await withDirectRooms();
    await say("native es");
    expect(await say("learn es B2")).toMatch(/Spanish is one of your native languages/);
    await say("learn en B1");
    expect(await say("native en")).toMatch(/You are learning English \(B1\).*`learn en remove`/);
    expect(await say("learn de remove")).toMatch(/German is not among the languages you learn/);
    expect((await profiles.get(ANA))?.native).toEqual(["es"]);
  });

  it("turns domain refusals into their message, with a hint for chat", async () => {
    const { say } = await withDirectRooms();
    await say("native es");
    await say("interests a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t");
    expect(
      await say("interests a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u"),
    ).toBe("List at most 20 interests.");
    // Ana speaks Spanish but learns nothing yet: the domain will not match her.
    expect(await say("match")).toMatch(
      /^Add a native language and a language you are learning first\. Use `native <language>`/,
    );
  });

  it("answers unexpected errors with an apology and logs them", async () => {
    const { say, logs, profiles } = await withDirectRooms();
    failNextCall(profiles, "get", new Error("connection reset"));
    expect(await say("profile")).toMatch(/Something went wrong on our side, please try again/);
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 50, msg: "bot command failed", command: "profile" }),
    );
  });

  it("answers what it does not understand with help", async () => {
    const { say, profiles, published } = await withDirectRooms();
    expect(await say("mtach")).toMatch(/Did you mean `match`\?/);
    expect(await say("learn es Z9")).toMatch(/"Z9" is not a CEFR level/);
    expect(await profiles.get(ANA)).toBeUndefined();
    expect(published).toEqual([]);
  });
});

describe("startBot: partner commands", () => {
  it("numbers suggestions and connects to the one picked", async () => {
    const { say, botStore, ctx, partners } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await learner(ctx, CLEO, "Cleo", ENGLISH_SPEAKER);
    const list = await say("match");
    expect(list).toMatch(/^1\. Ben \(@ben:localhost\) — native English, learning Spanish A2$/m);
    expect(list).toMatch(/^2\. Cleo \(@cleo:other\.example\)/m);
    expect(await botStore.shownSuggestions(ANA)).toEqual([BEN, CLEO]);

    expect(await say("connect 2")).toMatch(/I asked Cleo \(@cleo:other\.example\)/);
    const outgoing = async () => (await partners.pendingRequestsOf(ANA)).outgoing;
    expect((await outgoing()).map((request) => request.recipient)).toEqual([CLEO]);

    expect(await say("connect 3")).toMatch(/no number 3/);
    expect(await outgoing()).toHaveLength(1);
  });

  it("suggests at most five partners", async () => {
    const { say, botStore, ctx } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    for (const name of ["bo", "cy", "di", "ed", "fa", "gu", "hal"]) {
      await learner(ctx, `@${name}:localhost`, name, ENGLISH_SPEAKER);
    }
    expect((await say("match")).match(/^\d+\. /gm)).toHaveLength(5);
    expect(await botStore.shownSuggestions(ANA)).toHaveLength(5);
  });

  it("asks for `match` first when there is no list", async () => {
    const { say } = await withDirectRooms();
    expect(await say("connect 1")).toMatch(/Send `match` first/);
  });

  it("connects by user id, and says when asking back made them partners", async () => {
    const { say, ctx, rooms } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await asks(ctx, BEN, ANA);
    expect(await say("connect @ben:localhost")).toMatch(
      /You and Ben \(@ben:localhost\) are partners now\. Your room is ready/,
    );
    expect(rooms).toEqual([{ requester: BEN, recipient: ANA, roomId: "!room1:localhost" }]);
  });

  it("accepts the only pending request without a number", async () => {
    const { say, ctx, told } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    const request = await asks(ctx, BEN, ANA);
    expect(await say("accept")).toBe(
      "You and Ben (@ben:localhost) are partners now. Your room is ready: open it (https://matrix.to/#/!room1:localhost?via=localhost).",
    );
    // Ben hears of it too.
    expect(told).toContainEqual({
      kind: "accepted",
      requestId: request.id,
      roomId: "!room1:localhost",
    });
  });

  it("answers a command handled again with its saved answer, without running it twice", async () => {
    const { events, sent, ctx, partners, rooms } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await learner(ctx, "@cai:localhost", "Cai", ENGLISH_SPEAKER);
    await asks(ctx, BEN, ANA);
    await asks(ctx, "@cai:localhost", ANA);
    // A replica died after answering and before forgetting the command; another takes it over.
    const accept = message("accept 1");
    events.emit("event", accept);
    await until(() => expect(sent).toHaveLength(1));
    events.emit("event", accept);
    await until(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual(sent[0]);
    expect(String(sent[0]?.content.body)).toMatch(/You and Ben/);
    // Run twice, "accept 1" would have accepted Cai's request as well.
    expect((await partners.pendingRequestsOf(ANA)).incoming).toHaveLength(1);
    expect(rooms).toHaveLength(1);
  });

  it("lists several requests oldest first and acts on the one numbered", async () => {
    const { say, ctx, partners } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    for (const [userId, name] of [
      [BEN, "Ben"],
      [CLEO, "Cleo"],
      ["@cai:localhost", "Cai"],
    ] as const) {
      await learner(ctx, userId, name, ENGLISH_SPEAKER);
      await asks(ctx, userId, ANA);
    }
    const listed = await say("decline");
    expect(listed).toMatch(/^1\. Ben \(@ben:localhost\)\n2\. Cleo/m);
    expect(listed).toMatch(/`decline <number>`/);
    expect((await partners.pendingRequestsOf(ANA)).incoming).toHaveLength(3);

    expect(await say("decline 2")).toBe("Declined the request from Cleo (@cleo:other.example).");
    expect((await partners.pendingRequestsOf(ANA)).incoming.map((r) => r.requester)).toEqual([
      BEN,
      "@cai:localhost",
    ]);
    expect(await say("accept 3")).toMatch(/2 pending requests, so there is no number 3/);
  });

  it("says when there is nothing to accept", async () => {
    const { say } = await withDirectRooms();
    expect(await say("accept")).toMatch(/no pending requests/);
  });

  it("shows incoming and outgoing requests", async () => {
    const { say, ctx } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await learner(ctx, CLEO, "Cleo", ENGLISH_SPEAKER);
    await asks(ctx, BEN, ANA);
    await asks(ctx, ANA, CLEO);
    const reply = await say("requests");
    expect(reply).toMatch(/One person wants to practise with you:\n\n1\. Ben/);
    expect(reply).toMatch(/Waiting for an answer from:\n\n• Cleo/);
  });

  it("lists partners with their rooms", async () => {
    const { say, ctx } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await acceptRequest(ctx, ANA, (await asks(ctx, BEN, ANA)).id);
    expect(await say("partners")).toMatch(
      /• Ben \(@ben:localhost\) — native English, learning Spanish A2 · room \(https:\/\/matrix\.to\/#\/!room1:localhost\?via=localhost\)/,
    );
  });

  it("blocks and unblocks any Matrix user", async () => {
    const { say, partners } = await withDirectRooms();
    const blocked = async () => (await partners.blocksOf(ANA)).map((block) => block.blocked);
    expect(await say("block @troll:other.example")).toMatch(/Blocked `@troll:other.example`/);
    expect(await blocked()).toEqual(["@troll:other.example"]);
    expect(await say("unblock @troll:other.example")).toMatch(/Unblocked/);
    expect(await blocked()).toEqual([]);
  });

  it("ends a partnership with a block", async () => {
    const { say, ctx, partners, ended } = await withDirectRooms();
    await learner(ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(ctx, BEN, "Ben", ENGLISH_SPEAKER);
    await acceptRequest(ctx, ANA, (await asks(ctx, BEN, ANA)).id);
    expect(await say("block @ben:localhost")).toMatch(/Blocked `@ben:localhost`/);
    expect(await partners.partnershipsOf(ANA)).toEqual([]);
    expect(ended).toEqual([{ roomId: "!room1:localhost", blockedUserId: BEN }]);
    expect(await say("partners")).not.toMatch(/Ben/);
  });

  it("files reports with the event ids in the reason as evidence", async () => {
    const { say, partners } = await withDirectRooms();
    expect(
      await say("report @troll:other.example rude in $e1:other.example and $e2:other.example"),
    ).toMatch(
      /report about `@troll:other.example` \(with 2 messages as evidence\) went to the moderators/,
    );
    expect(await partners.listReports(10)).toEqual([
      expect.objectContaining({
        reporter: ANA,
        reported: "@troll:other.example",
        reason: "rude in $e1:other.example and $e2:other.example",
        eventIds: ["$e1:other.example", "$e2:other.example"],
        roomId: undefined,
      }),
    ]);
  });
});

describe("startBot: detaching", () => {
  it("stops answering once detached", async () => {
    const { events, sent, stop } = await withDirectRooms();
    stop();
    events.emit("event", message("help"));
    await settle();
    expect(sent).toEqual([]);
  });
});

describe("startBot: display names", () => {
  const memberEvent = (sender: string, content: Record<string, unknown>, stateKey = sender) => {
    eventNumber++;
    return {
      type: "m.room.member",
      room_id: "!pair:localhost",
      sender,
      state_key: stateKey,
      event_id: `$member${eventNumber}`,
      content,
    } satisfies ClientEvent;
  };

  it("keeps a learner's stored name in step with their own join or name change", async () => {
    const bot = setup();
    await learner(bot.ctx, REMOTE, "Rémi", ENGLISH_SPEAKER);
    bot.events.emit("event", memberEvent(REMOTE, { membership: "join", displayname: "Rémi R." }));
    await until(async () => expect((await bot.profiles.get(REMOTE))?.displayName).toBe("Rémi R."));
  });

  it("ignores invites, other people's member events and its own", async () => {
    const bot = setup();
    await learner(bot.ctx, REMOTE, "Rémi", ENGLISH_SPEAKER);
    await learner(bot.ctx, ANA, "Ana", SPANISH_SPEAKER);
    await learner(bot.ctx, BOT, "Bot", ENGLISH_SPEAKER);
    bot.events.emit("event", memberEvent(ANA, { membership: "invite", displayname: "X" }, REMOTE));
    bot.events.emit("event", memberEvent(ANA, { membership: "join", displayname: "X" }, REMOTE));
    bot.events.emit("event", memberEvent(BOT, { membership: "join", displayname: "Xstream" }));
    bot.events.emit("event", memberEvent(REMOTE, { membership: "leave" }));
    await settle();
    const names = await Promise.all(
      [REMOTE, ANA, BOT].map(async (userId) => (await bot.profiles.get(userId))?.displayName),
    );
    expect(names).toEqual(["Rémi", "Ana", "Bot"]);
  });

  it("keeps going when the refresh fails", async () => {
    const bot = setup();
    failNextCall(bot.profiles, "rename", new Error("database down"));
    bot.events.emit("event", memberEvent(REMOTE, { membership: "join", displayname: "Rémi" }));
    await until(() =>
      expect(bot.logs().some((r) => r.msg === "could not refresh a display name")).toBe(true),
    );
    await bot.botStore.rememberDirectRoom(ANA, DM);
    expect(await bot.say("help")).toMatch(/match/);
  });
});
