import request from "supertest";
import { describe, expect, it, vi } from "vitest";
import { type AppDeps, createApp } from "./app.js";
import { startBot } from "./bot/bot.js";
import { AppserviceEvents } from "./matrix/appserviceEvents.js";
import type { ClientEvent } from "./matrix/events.js";
import type { HomeserverClient } from "./matrix/homeserver.js";
import { createInMemoryBotStore } from "./store/memory/inMemoryBotStore.js";
import { createInMemoryTransactionStore } from "./store/memory/inMemoryTransactionStore.js";
import type { TransactionStore } from "./store/transactionStore.js";
import { authAppDeps, createTestAuth } from "./testing/authHarness.js";
import { createCapturedLogger } from "./testing/capturedLogger.js";
import { createUnusedPartnerContext } from "./testing/partnerHarness.js";

const HS_TOKEN = "hs-token-0123456789abcdef0123456789abcdef";
const BOT = "@xstream:localhost";
const AUTH = { Authorization: `Bearer ${HS_TOKEN}` };

interface Harness {
  app: ReturnType<typeof createApp>;
  store: ReturnType<typeof createInMemoryTransactionStore>;
  joined: string[];
  emitted: ClientEvent[];
  events: AppserviceEvents;
  logs: string[];
}

function harness(overrides: Partial<AppDeps> = {}): Harness {
  const { logger, lines: logs } = createCapturedLogger();
  const store = createInMemoryTransactionStore();
  const events = new AppserviceEvents((error) => {
    throw error;
  });
  const joined: string[] = [];
  const homeserver: HomeserverClient = {
    async joinRoom(roomId) {
      joined.push(roomId);
      return { roomId };
    },
    async pingHomeserver() {
      return { durationMs: 1 };
    },
    async sendMessage() {
      return { eventId: "$sent" };
    },
    async createRoom() {
      return "!created:localhost";
    },
    async displayNameOf() {
      return undefined;
    },
    async defaultRoomVersion() {
      return "12";
    },
    async setBotDisplayName() {},
    async kick() {},
  };
  startBot({
    events,
    homeserver,
    botUserId: BOT,
    logger,
    partners: createUnusedPartnerContext(),
    botStore: createInMemoryBotStore(),
    sleep: async () => {},
  });
  const emitted: ClientEvent[] = [];
  events.on("event", (event) => {
    emitted.push(event);
  });
  const app = createApp({
    logger,
    hsToken: HS_TOKEN,
    checkDatabase: async () => {},
    transactions: store,
    events,
    ...authAppDeps(createTestAuth()),
    ...overrides,
  });
  return { app, store, joined, emitted, events, logs };
}

function message(sender: string, eventId: string, ts: number): ClientEvent {
  return {
    type: "m.room.message",
    room_id: "!room:localhost",
    sender,
    event_id: eventId,
    origin_server_ts: ts,
    content: { msgtype: "m.text", body: "hola" },
  };
}

function invite(userId: string, roomId: string): ClientEvent {
  return {
    type: "m.room.member",
    room_id: roomId,
    sender: "@ana:localhost",
    event_id: `$invite-${roomId}`,
    state_key: userId,
    origin_server_ts: 1_700_000_000_000,
    content: { membership: "invite", is_direct: true },
  };
}

const putTransaction = (app: Harness["app"], txnId: string, body: unknown) =>
  request(app)
    .put(`/_matrix/app/v1/transactions/${txnId}`)
    .set(AUTH)
    .send(body as object);

describe("GET /healthz", () => {
  it("answers ok when the database answers", async () => {
    const { app } = harness();
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("answers 503 M_UNAVAILABLE when the database does not", async () => {
    const { app } = harness({
      checkDatabase: () => Promise.reject(new Error("connect ECONNREFUSED")),
    });
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ errcode: "M_UNAVAILABLE", error: "database unreachable" });
  });
});

describe("request ids and headers", () => {
  it("echoes a sane incoming X-Request-Id", async () => {
    const res = await request(harness().app).get("/healthz").set("X-Request-Id", "edge-42.abc");
    expect(res.headers["x-request-id"]).toBe("edge-42.abc");
  });

  it("replaces an unsafe X-Request-Id with a generated one", async () => {
    const res = await request(harness().app).get("/healthz").set("X-Request-Id", "x".repeat(300));
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("generates an id when none is sent, also on errors, and sets helmet headers", async () => {
    const res = await request(harness().app).get("/nope");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("never logs tokens or cookies", async () => {
    const { app, logs } = harness();
    await request(app)
      .get("/_matrix/app/v1/users/%40a%3Alocalhost?access_token=query-secret-value")
      .set(AUTH)
      .set("Cookie", "session=cookie-secret-value");
    const output = logs.join("");
    expect(output).toContain("/_matrix/app/v1/users/");
    expect(output).not.toContain(HS_TOKEN);
    expect(output).not.toContain("query-secret-value");
    expect(output).not.toContain("cookie-secret-value");
  });
});

describe("errors", () => {
  it("answers unknown routes with 404 M_UNRECOGNIZED", async () => {
    const res = await request(harness().app).get("/no/such/route");
    expect(res.status).toBe(404);
    expect(res.body.errcode).toBe("M_UNRECOGNIZED");
  });

  it("answers malformed JSON with 400 M_NOT_JSON", async () => {
    const res = await request(harness().app)
      .put("/_matrix/app/v1/transactions/1")
      .set(AUTH)
      .set("Content-Type", "application/json")
      .send('{"events": [');
    expect(res.status).toBe(400);
    expect(res.body.errcode).toBe("M_NOT_JSON");
  });

  it("answers bodies over 1 MiB with 413 M_TOO_LARGE", async () => {
    const res = await request(harness().app)
      .post("/_matrix/app/v1/ping")
      .set(AUTH)
      .send({ transaction_id: "x".repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.body.errcode).toBe("M_TOO_LARGE");
  });

  it("lets transactions exceed 1 MiB but not 20 MiB", async () => {
    const { app } = harness();
    const big = { ...message("@ana:localhost", "$big", 1), content: { body: "x".repeat(2 << 20) } };
    expect((await putTransaction(app, "big", { events: [big] })).status).toBe(200);

    const huge = { ...big, content: { body: "x".repeat(21 << 20) } };
    const res = await putTransaction(app, "huge", { events: [huge] });
    expect(res.status).toBe(413);
    expect(res.body.errcode).toBe("M_TOO_LARGE");
  });
});

describe("appservice authentication", () => {
  it("rejects a missing hs_token with 401 M_UNAUTHORIZED", async () => {
    const res = await request(harness().app)
      .put("/_matrix/app/v1/transactions/1")
      .send({ events: [] });
    expect(res.status).toBe(401);
    expect(res.body.errcode).toBe("M_UNAUTHORIZED");
  });

  it("rejects a wrong hs_token with 403 M_FORBIDDEN, whatever its length", async () => {
    const { app, store } = harness();
    for (const token of ["x", `${HS_TOKEN.slice(0, -1)}X`, HS_TOKEN.repeat(10)]) {
      const res = await request(app)
        .put("/_matrix/app/v1/transactions/1")
        .set("Authorization", `Bearer ${token}`)
        .send({ events: [] });
      expect(res.status).toBe(403);
      expect(res.body.errcode).toBe("M_FORBIDDEN");
    }
    expect(store.commits).toBe(0);
  });

  it("accepts the right hs_token", async () => {
    const res = await putTransaction(harness().app, "1", { events: [] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it("guards the query endpoints too, which find nothing", async () => {
    const { app } = harness();
    expect((await request(app).get("/_matrix/app/v1/users/%40a%3Alocalhost")).status).toBe(401);
    for (const path of ["/users/%40a%3Alocalhost", "/rooms/%23xstream_a%3Alocalhost"]) {
      const res = await request(app).get(`/_matrix/app/v1${path}`).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body.errcode).toBe("M_NOT_FOUND");
    }
  });

  it("answers pings, POST (spec) and GET", async () => {
    const { app } = harness();
    const post = await request(app)
      .post("/_matrix/app/v1/ping")
      .set(AUTH)
      .send({ transaction_id: "t1" });
    expect([post.status, post.body]).toEqual([200, {}]);
    const get = await request(app).get("/_matrix/app/v1/ping").set(AUTH);
    expect([get.status, get.body]).toEqual([200, {}]);
    expect((await request(app).get("/_matrix/app/v1/ping")).status).toBe(401);
  });
});

describe("PUT /_matrix/app/v1/transactions/:txnId", () => {
  it("records the newest activity per sender, skipping state events", async () => {
    const { app, store } = harness();
    const res = await putTransaction(app, "t1", {
      events: [
        message("@ana:localhost", "$a1", 1_000),
        message("@ana:localhost", "$a2", 2_000),
        invite("@ben:localhost", "!dm:localhost"),
      ],
    });
    expect(res.status).toBe(200);
    expect([...store.userActivity.values()]).toEqual([
      { userId: "@ana:localhost", lastActiveAt: new Date(2_000), lastEventId: "$a2" },
    ]);
  });

  it("applies a retried transaction once and acknowledges both", async () => {
    const { app, store, emitted } = harness();
    const body = { events: [message("@ana:localhost", "$a1", 1_000)] };
    expect((await putTransaction(app, "t1", body)).status).toBe(200);
    const retry = await putTransaction(app, "t1", body);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({});
    expect(store.commits).toBe(1);
    expect(emitted.map((e) => e.event_id)).toEqual(["$a1"]);
  });

  it("answers 500 M_UNKNOWN and publishes nothing when storing fails", async () => {
    const failing: TransactionStore = {
      runOnce: () => Promise.reject(new Error("connection terminated")),
      markHandled: () => Promise.resolve(),
      unhandled: () => Promise.resolve([]),
      roomsWithUnhandled: () => Promise.resolve([]),
      drainRoom: () => Promise.resolve(true),
    };
    const { app, emitted, joined, logs } = harness({ transactions: failing });
    const res = await putTransaction(app, "t1", {
      events: [invite(BOT, "!dm:localhost"), message("@ana:localhost", "$a1", 1)],
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errcode: "M_UNKNOWN", error: "Internal server error" });
    expect(emitted).toEqual([]);
    expect(joined).toEqual([]);
    expect(logs.join("")).toContain("connection terminated");
  });

  it("joins rooms the bot is invited to, and only those", async () => {
    const { app, joined } = harness();
    await putTransaction(app, "t1", {
      events: [
        invite(BOT, "!dm:localhost"),
        invite("@ben:localhost", "!other:localhost"),
        { ...invite(BOT, "!left:localhost"), content: { membership: "leave" } },
      ],
    });
    await vi.waitFor(() => expect(joined).toEqual(["!dm:localhost"]));
    // Give any wrongly triggered join a chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(joined).toEqual(["!dm:localhost"]);
  });

  it("publishes ephemeral events from either MSC2409 key, once", async () => {
    const { app, events } = harness();
    const typing = { type: "m.typing", room_id: "!r:localhost", content: { user_ids: [] } };
    const seen: unknown[] = [];
    events.on("ephemeral", (event) => {
      seen.push(event);
    });
    await putTransaction(app, "e1", {
      events: [],
      ephemeral: [typing],
      "de.sorunome.msc2409.ephemeral": [typing],
    });
    await putTransaction(app, "e2", { events: [], "de.sorunome.msc2409.ephemeral": [typing] });
    expect(seen).toEqual([typing, typing]);
  });

  it("rejects events missing required fields with 400 M_BAD_JSON naming the field", async () => {
    const { app, store } = harness();
    const { room_id: _dropped, ...noRoom } = message("@ana:localhost", "$a1", 1);
    const res = await putTransaction(app, "t1", { events: [noRoom] });
    expect(res.status).toBe(400);
    expect(res.body.errcode).toBe("M_BAD_JSON");
    expect(res.body.error).toContain("events[0].room_id");
    expect(store.commits).toBe(0);
  });

  it("rejects a body without events with 400 M_BAD_JSON", async () => {
    const res = await putTransaction(harness().app, "t1", { ephemeral: [] });
    expect(res.status).toBe(400);
    expect(res.body.errcode).toBe("M_BAD_JSON");
    expect(res.body.error).toContain("events");
  });

  it("keeps unknown fields on events", async () => {
    const { app, emitted } = harness();
    const event = { ...message("@ana:localhost", "$a1", 1), unsigned: { age: 5 } };
    await putTransaction(app, "t1", { events: [event], "org.matrix.msc3202.device_lists": {} });
    expect(emitted[0]?.unsigned).toEqual({ age: 5 });
  });
});
