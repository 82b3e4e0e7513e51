import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  MAX_SUBSCRIPTIONS_PER_USER,
  type PushMessage,
  type PushOutcome,
  WEB_PUSH_APP_ID,
  type WebPushSubscription,
} from "../domain/webPush.js";
import { createInMemoryPushSubscriptionStore } from "../store/memory/inMemoryPushSubscriptionStore.js";
import {
  createAppAround,
  createTestAuth,
  SAME_ORIGIN,
  signedInAccount,
} from "../testing/authHarness.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { PUSH_GATEWAY_PATH, type PushSettings } from "./pushRouter.js";

const GATEWAY_URL = "http://127.0.0.1:9000/_matrix/push/v1/notify";
const VAPID_PUBLIC_KEY = `B${"A".repeat(86)}`;
/** A valid-looking browser subscription: a P-256 point (0x04…) and a 16-byte auth secret. */
const KEYS = {
  p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url"),
  auth: Buffer.alloc(16, 9).toString("base64url"),
};

function setup(options: { pushEnabled?: boolean; allowInsecure?: boolean } = {}) {
  const { logger, lines: logs } = createCapturedLogger();
  const testAuth = createTestAuth({ logger });
  const subscriptions = createInMemoryPushSubscriptionStore();
  const sent: { subscription: WebPushSubscription; message: PushMessage }[] = [];
  /** What the push service answers, per endpoint; "delivered" when not listed. */
  const outcomes = new Map<string, PushOutcome>();
  const push: PushSettings = {
    context: {
      subscriptions,
      sender: {
        async send(subscription, message) {
          sent.push({ subscription, message });
          return outcomes.get(subscription.endpoint) ?? "delivered";
        },
      },
      now: () => new Date(),
      logger: logger.child({ component: "web-push" }),
    },
    vapidPublicKey: VAPID_PUBLIC_KEY,
    gatewayUrl: GATEWAY_URL,
    allowInsecureEndpoints: options.allowInsecure ?? false,
  };
  const app = createAppAround(testAuth, logger, {
    push: options.pushEnabled === false ? undefined : push,
  });
  const cookieFor = async (username: string) => (await signedInAccount(testAuth, username)).cookie;
  const subscribe = async (cookie: string, endpoint: string) => {
    const res = await request(app)
      .post("/api/push/subscriptions")
      .set(SAME_ORIGIN)
      .set("Cookie", cookie)
      .send({ endpoint, keys: KEYS });
    expect(res.status).toBe(201);
    return res.body as { pushkey: string; app_id: string; gateway_url: string };
  };
  const notify = (body: unknown) =>
    request(app)
      .post(PUSH_GATEWAY_PATH)
      .set("Content-Type", "application/json")
      .send(
        // biome-ignore lint/suspicious/noExplicitAny: hostile bodies are any shape
        body as any,
      );
  return { app, logs, subscriptions, sent, outcomes, cookieFor, subscribe, notify };
}

const notification = (devices: { app_id: string; pushkey: string }[], extra = {}) => ({
  notification: {
    event_id: "$abc123:localhost",
    room_id: "!room:localhost",
    counts: { unread: 3 },
    devices,
    ...extra,
  },
});

describe("registering a browser's push subscription", () => {
  it("answers an opaque pushkey, the app id and the gateway URL for the pusher", async () => {
    const t = setup();
    const cookie = await t.cookieFor("ana");
    const body = await t.subscribe(cookie, "https://push.example.org/send/abc");
    expect(body.app_id).toBe(WEB_PUSH_APP_ID);
    expect(body.gateway_url).toBe(GATEWAY_URL);
    expect(body.pushkey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.pushkey).not.toContain("push.example.org");
    expect(t.subscriptions.all()).toEqual([
      expect.objectContaining({ userId: "@ana:localhost", pushkey: body.pushkey }),
    ]);
    // The same browser again (a reload) keeps its pushkey.
    expect((await t.subscribe(cookie, "https://push.example.org/send/abc")).pushkey).toBe(
      body.pushkey,
    );
  });

  it("needs a session and a same-origin write", async () => {
    const t = setup();
    const anonymous = await request(t.app)
      .post("/api/push/subscriptions")
      .set(SAME_ORIGIN)
      .send({ endpoint: "https://push.example.org/x", keys: KEYS });
    expect(anonymous.status).toBe(401);
    const cookie = await t.cookieFor("ana");
    const crossSite = await request(t.app)
      .post("/api/push/subscriptions")
      .set("Origin", "https://evil.example")
      .set("Cookie", cookie)
      .send({ endpoint: "https://push.example.org/x", keys: KEYS });
    expect(crossSite.status).toBe(403);
    expect(t.subscriptions.all()).toEqual([]);
  });

  it.each([
    ["a plain-http endpoint", { endpoint: "http://push.example.org/x", keys: KEYS }, "endpoint"],
    ["a non-URL endpoint", { endpoint: "javascript:alert(1)", keys: KEYS }, "endpoint"],
    [
      "an over-long endpoint",
      { endpoint: `https://push.example.org/${"a".repeat(3000)}`, keys: KEYS },
      "endpoint",
    ],
    [
      "a compressed public key",
      { endpoint: "https://p.example/x", keys: { ...KEYS, p256dh: KEYS.auth } },
      "keys.p256dh",
    ],
    [
      "a short auth secret",
      { endpoint: "https://p.example/x", keys: { ...KEYS, auth: "AAAA" } },
      "keys.auth",
    ],
    ["no keys", { endpoint: "https://p.example/x" }, "keys"],
  ])("refuses %s, naming the field", async (_what, body, field) => {
    const t = setup();
    const res = await request(t.app)
      .post("/api/push/subscriptions")
      .set(SAME_ORIGIN)
      .set("Cookie", await t.cookieFor("ana"))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(t.subscriptions.all()).toEqual([]);
  });

  it("accepts plain-http endpoints only when the operator allows private addresses", async () => {
    const t = setup({ allowInsecure: true });
    await t.subscribe(await t.cookieFor("ana"), "http://127.0.0.1:4000/push");
    expect(t.subscriptions.all()).toHaveLength(1);
  });

  it(`keeps at most ${MAX_SUBSCRIPTIONS_PER_USER} per learner, dropping the oldest`, async () => {
    const t = setup();
    const cookie = await t.cookieFor("ana");
    const first = await t.subscribe(cookie, "https://push.example.org/0");
    for (let i = 1; i <= MAX_SUBSCRIPTIONS_PER_USER; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      await t.subscribe(cookie, `https://push.example.org/${i}`);
    }
    const keys = t.subscriptions.all().map((s) => s.pushkey);
    expect(keys).toHaveLength(MAX_SUBSCRIPTIONS_PER_USER);
    expect(keys).not.toContain(first.pushkey);
  });

  it("removes only the learner's own subscription", async () => {
    const t = setup();
    const ana = await t.cookieFor("ana");
    const bob = await t.cookieFor("bob");
    const { pushkey } = await t.subscribe(ana, "https://push.example.org/ana");
    const byBob = await request(t.app)
      .delete(`/api/push/subscriptions/${pushkey}`)
      .set(SAME_ORIGIN)
      .set("Cookie", bob);
    expect(byBob.status).toBe(200);
    expect(t.subscriptions.all()).toHaveLength(1);
    const byAna = await request(t.app)
      .delete(`/api/push/subscriptions/${pushkey}`)
      .set(SAME_ORIGIN)
      .set("Cookie", ana);
    expect(byAna.status).toBe(200);
    expect(t.subscriptions.all()).toEqual([]);
  });

  it("serves the VAPID public key, or 404 when Web Push is off", async () => {
    const t = setup();
    const on = await request(t.app).get("/api/push/vapid-key");
    expect(on.body).toEqual({ public_key: VAPID_PUBLIC_KEY });
    const off = await request(setup({ pushEnabled: false }).app).get("/api/push/vapid-key");
    expect(off.status).toBe(404);
    expect(off.body.errcode).toBe("M_NOT_FOUND");
  });
});

describe("the push gateway (POST /_matrix/push/v1/notify)", () => {
  it("sends ids and the unread count to the pushkey's subscription, never content", async () => {
    const t = setup();
    const { pushkey } = await t.subscribe(await t.cookieFor("ana"), "https://push.example.org/a");
    const res = await t.notify(
      notification([{ app_id: WEB_PUSH_APP_ID, pushkey }], {
        type: "m.room.message",
        sender: "@bob:localhost",
        content: { msgtype: "m.text", body: "secret words" },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rejected: [] });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.subscription.endpoint).toBe("https://push.example.org/a");
    expect(t.sent[0]?.message).toEqual({
      event_id: "$abc123:localhost",
      room_id: "!room:localhost",
      unread: 3,
    });
    expect(JSON.stringify(t.sent)).not.toContain("secret words");
  });

  it("rejects pushkeys it never issued and other apps' pushkeys, sending nothing", async () => {
    const t = setup();
    const { pushkey } = await t.subscribe(await t.cookieFor("ana"), "https://push.example.org/a");
    const res = await t.notify(
      notification([
        { app_id: WEB_PUSH_APP_ID, pushkey: "https://attacker.example/endpoint" },
        { app_id: "im.vector.app.android", pushkey },
      ]),
    );
    expect(res.body).toEqual({
      rejected: ["https://attacker.example/endpoint", pushkey],
    });
    expect(t.sent).toEqual([]);
  });

  it("rejects and forgets a subscription its push service says is gone (404/410)", async () => {
    const t = setup();
    const cookie = await t.cookieFor("ana");
    const gone = await t.subscribe(cookie, "https://push.example.org/gone");
    const flaky = await t.subscribe(cookie, "https://push.example.org/flaky");
    t.outcomes.set("https://push.example.org/gone", "gone");
    t.outcomes.set("https://push.example.org/flaky", "failed");
    const res = await t.notify(
      notification([
        { app_id: WEB_PUSH_APP_ID, pushkey: gone.pushkey },
        { app_id: WEB_PUSH_APP_ID, pushkey: flaky.pushkey },
      ]),
    );
    // A failure that may pass is not a rejection: Synapse keeps that pusher.
    expect(res.body).toEqual({ rejected: [gone.pushkey] });
    expect(t.subscriptions.all().map((s) => s.pushkey)).toEqual([flaky.pushkey]);
  });

  it("rejects every pushkey when Web Push is off, so Synapse drops the pushers", async () => {
    const t = setup({ pushEnabled: false });
    const res = await t.notify(notification([{ app_id: WEB_PUSH_APP_ID, pushkey: "k1" }]));
    expect(res.body).toEqual({ rejected: ["k1"] });
  });

  it.each([
    ["no devices", notification([])],
    ["a device without pushkey", notification([{ app_id: WEB_PUSH_APP_ID } as never])],
    ["a forged event id", notification([{ app_id: "a", pushkey: "k" }], { event_id: "abc" })],
    ["a number as room id", notification([{ app_id: "a", pushkey: "k" }], { room_id: 5 })],
    ["an over-long pushkey", notification([{ app_id: WEB_PUSH_APP_ID, pushkey: "k".repeat(600) }])],
    [
      "too many devices",
      notification(Array.from({ length: 500 }, (_, i) => ({ app_id: "a", pushkey: `k${i}` }))),
    ],
    ["a negative count", notification([{ app_id: "a", pushkey: "k" }], { counts: { unread: -1 } })],
    ["no notification", { devices: [] }],
    ["an array", [1, 2, 3]],
  ])("answers 400 to %s", async (_what, body) => {
    const t = setup();
    const res = await t.notify(body);
    expect(res.status).toBe(400);
    expect(res.body.errcode).toBe("M_BAD_JSON");
    expect(t.sent).toEqual([]);
  });

  it("answers hostile bodies (huge, deeply nested, not JSON) quickly with an error", async () => {
    const t = setup();
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const cases: [string, number][] = [
      [JSON.stringify({ notification: { devices: [], pad: "x".repeat(5_000_000) } }), 413],
      [`{"notification":{"devices":[{"app_id":"a","pushkey":"k","data":${nested(60_000)}}]}}`, 413],
      // Within the limit, 40 000 levels deep in a field the gateway never reads: parsed, dropped.
      [`{"notification":{"devices":[{"app_id":"a","pushkey":"k","data":${nested(40_000)}}]}}`, 200],
      ['{"notification": {"devices": [', 400],
    ];
    for (const [body, status] of cases) {
      const started = performance.now();
      const res = await request(t.app)
        .post(PUSH_GATEWAY_PATH)
        .set("Content-Type", "application/json")
        .send(body);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(res.status).toBe(status);
      expect(res.body.errcode ?? res.body.rejected).toBeDefined();
    }
    expect(t.sent).toEqual([]);
  });
});
