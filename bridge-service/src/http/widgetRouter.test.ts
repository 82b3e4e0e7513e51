import { widgetExchangeResponseSchema } from "@xstream/contract";
import fc from "fast-check";
import request from "supertest";
import { describe, expect, it } from "vitest";
import type { Profile } from "../domain/profiles.js";
import {
  type PartnerEntry,
  type WidgetExchangeContext,
  widgetExchangeRateLimits,
} from "../domain/widgetExchange.js";
import { createInMemoryRateLimitStore } from "../store/memory/inMemoryRateLimitStore.js";
import { createAppAround, createTestAuth, SAME_ORIGIN } from "../testing/authHarness.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { testProfile } from "../testing/profiles.js";
import { createFakeOpenId } from "../testing/rtcHarness.js";

const OURS = "localhost";
const PARTNER_ORG = "partner.example";
const ROOM = "!pair:localhost";
const ANA = "@ana:localhost";
const BEN = "@ben:localhost";
const ZOE = "@zoe:partner.example";
const BOT = "@xstream:localhost";
const PATH = "/api/widget/exchange";

// What the panel must never show (interests, time zone, bio) is filled in, to be looked for.
const profile = (userId: string, overrides: Partial<Profile> = {}) =>
  testProfile({
    userId,
    displayName: userId.slice(1, 4),
    interests: ["jazz"],
    bio: "secret bio",
    ...overrides,
  });

function setup(options: { perIp?: number; perViewer?: number } = {}) {
  const openId = createFakeOpenId();
  const rooms = new Map<string, string[]>();
  const profiles = new Map<string, Profile>();
  const entries = new Map<string, PartnerEntry>();
  const partnerships: [string, string][] = [];
  let membersLookup = (roomId: string): Promise<readonly string[] | undefined> =>
    Promise.resolve(rooms.get(roomId));
  const { logger, records } = createCapturedLogger();
  const context: WidgetExchangeContext = {
    ownServerName: OURS,
    allowedHomeservers: [PARTNER_ORG],
    botLocalpart: "xstream",
    openId: openId.verifier,
    members: { joinedMembers: (roomId) => membersLookup(roomId) },
    people: {
      profileOf: async (userId) => profiles.get(userId),
      partnerEntryOf: async (userId) => entries.get(userId),
      arePartners: async (a, b) =>
        partnerships.some((pair) => pair.includes(a) && pair.includes(b)),
    },
    rateLimits: createInMemoryRateLimitStore(),
    ...widgetExchangeRateLimits({
      perIpPerMinute: options.perIp ?? 1_000,
      perViewerPerMinute: options.perViewer ?? 1_000,
    }),
    membershipTimeoutMs: 50,
    now: () => new Date(),
    logger,
  };
  const app = createAppAround(createTestAuth({ logger }), logger, { widget: context });
  openId.issue(OURS, "ana-token", ANA);
  rooms.set(ROOM, [BOT, ANA, BEN]);
  profiles.set(ANA, profile(ANA, { displayName: "Ana" }));
  profiles.set(
    BEN,
    profile(BEN, {
      displayName: "Ben",
      native: ["en"],
      learning: [{ language: "es", level: "A2" }],
    }),
  );
  partnerships.push([ANA, BEN]);
  return {
    app,
    openId,
    rooms,
    profiles,
    entries,
    partnerships,
    logs: records,
    membersLookup(lookup: typeof membersLookup) {
      membersLookup = lookup;
    },
  };
}

const token = (accessToken = "ana-token", server = OURS) => ({
  access_token: accessToken,
  token_type: "Bearer",
  matrix_server_name: server,
  expires_in: 3600,
});

const body = (overrides: Record<string, unknown> = {}) => ({
  room_id: ROOM,
  openid: token(),
  ...overrides,
});

function post(app: ReturnType<typeof setup>["app"], payload: unknown) {
  const req = request(app).post(PATH).set(SAME_ORIGIN);
  return typeof payload === "string"
    ? req.set("Content-Type", "application/json").send(payload)
    : req.send(payload as object);
}

describe("POST /api/widget/exchange", () => {
  it("answers a member with both partners' languages, never their other profile fields", async () => {
    const t = setup();
    const res = await post(t.app, body());
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(widgetExchangeResponseSchema.parse(res.body)).toEqual({
      viewer: {
        user_id: ANA,
        display_name: "Ana",
        native: ["es"],
        learning: [{ language: "en", level: "B1" }],
        organisation: null,
      },
      partner: {
        user_id: BEN,
        display_name: "Ben",
        native: ["en"],
        learning: [{ language: "es", level: "A2" }],
        organisation: null,
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/secret bio|jazz|Madrid/);
    expect(t.openId.asked).toEqual([{ serverName: OURS, accessToken: "ana-token" }]);
  });

  it("describes a partner organisation's learner from the directory, with the organisation", async () => {
    const t = setup();
    t.rooms.set(ROOM, [BOT, ANA, ZOE]);
    t.entries.set(ZOE, {
      displayName: "Zoe",
      native: ["en"],
      learning: [{ language: "es", level: "C1" }],
      organisation: "Partner School",
    });
    const res = await post(t.app, body());
    expect(res.status).toBe(200);
    expect(res.body.partner).toEqual({
      user_id: ZOE,
      display_name: "Zoe",
      native: ["en"],
      learning: [{ language: "es", level: "C1" }],
      organisation: "Partner School",
    });
  });

  it("serves a partner organisation's learner, asking their own homeserver", async () => {
    const t = setup();
    t.openId.issue(PARTNER_ORG, "zoe-token", ZOE);
    t.rooms.set(ROOM, [BOT, ANA, ZOE]);
    const res = await post(t.app, body({ openid: token("zoe-token", PARTNER_ORG) }));
    expect(res.status).toBe(200);
    expect(res.body.viewer).toBeNull();
    expect(res.body.partner).toMatchObject({ user_id: ANA, display_name: "Ana" });
    expect(t.openId.asked).toEqual([{ serverName: PARTNER_ORG, accessToken: "zoe-token" }]);
  });

  it("gives null for people without a profile, and no partner unless there is exactly one other learner", async () => {
    const t = setup();
    t.profiles.delete(BEN);
    expect((await post(t.app, body())).body).toMatchObject({
      viewer: { user_id: ANA },
      partner: null,
    });
    t.rooms.set(ROOM, [BOT, ANA, BEN, "@cleo:localhost"]);
    expect((await post(t.app, body())).body.partner).toBeNull();
    t.rooms.set(ROOM, [BOT, ANA]);
    expect((await post(t.app, body())).body.partner).toBeNull();
  });

  it("does not describe a hidden learner to someone who merely shares a room with them", async () => {
    const t = setup();
    t.partnerships.length = 0;
    t.profiles.set(BEN, profile(BEN, { discoverable: false }));
    expect((await post(t.app, body())).body.partner).toBeNull();
    // Their partner still sees them.
    t.partnerships.push([ANA, BEN]);
    expect((await post(t.app, body())).body.partner).toMatchObject({ user_id: BEN });
  });

  it("refuses forged, expired and other servers' tokens with one 401", async () => {
    const t = setup();
    t.openId.answer(OURS, "expired", { kind: "rejected", status: 401, errcode: "M_UNKNOWN_TOKEN" });
    // An allowed homeserver vouching for one of our users: it may only speak for its own.
    t.openId.issue(PARTNER_ORG, "sneaky", ANA);
    const answers = await Promise.all([
      post(t.app, body({ openid: token("forged") })),
      post(t.app, body({ openid: token("expired") })),
      post(t.app, body({ openid: token("sneaky", PARTNER_ORG) })),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        errcode: "M_UNKNOWN_TOKEN",
        error: "The OpenID token could not be verified.",
      });
    }
  });

  it("refuses a homeserver that is not served without asking it", async () => {
    const t = setup();
    const res = await post(t.app, body({ openid: token("x", "evil.example") }));
    expect([res.status, res.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    expect(t.openId.asked).toEqual([]);
  });

  it("answers a non-member and an unknown room the same 403, revealing nothing", async () => {
    const t = setup();
    t.rooms.set("!other:localhost", [BOT, BEN, "@cleo:localhost"]);
    const notMember = await post(t.app, body({ room_id: "!other:localhost" }));
    const unknown = await post(t.app, body({ room_id: "!nowhere:localhost" }));
    expect(notMember.status).toBe(403);
    expect(notMember.body).toEqual(unknown.body);
    expect(notMember.body).toEqual({
      errcode: "M_FORBIDDEN",
      error: "You are not joined to this room.",
    });
    expect(JSON.stringify(notMember.body)).not.toContain("Ben");
  });

  it("tells a homeserver that fails or hangs apart from a refusal, never 500", async () => {
    const t = setup();
    t.openId.answer(OURS, "down", { kind: "unavailable", reason: "ECONNREFUSED" });
    t.openId.answer(OURS, "slow", { kind: "timeout" });
    expect((await post(t.app, body({ openid: token("down") }))).status).toBe(502);
    expect((await post(t.app, body({ openid: token("slow") }))).status).toBe(504);
    t.membersLookup(() => Promise.reject(new Error("502 from Synapse")));
    expect((await post(t.app, body())).status).toBe(502);
    t.membersLookup(() => new Promise(() => {}));
    const started = performance.now();
    const hung = await post(t.app, body());
    expect([hung.status, hung.body.errcode]).toEqual([504, "M_UNKNOWN"]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("names a malformed field with 400", async () => {
    const t = setup();
    const cases: [unknown, string, string][] = [
      [body({ room_id: "pair" }), "M_INVALID_PARAM", "room_id"],
      [
        body({ openid: token("t", "evil.example/steal?") }),
        "M_INVALID_PARAM",
        "openid.matrix_server_name",
      ],
      [body({ openid: { ...token(), token_type: "Mac" } }), "M_BAD_JSON", "openid.token_type"],
      [body({ room_id: 42 }), "M_BAD_JSON", "room_id"],
      [{ room_id: ROOM }, "M_BAD_JSON", "openid"],
      [body({ room_id: `!${"a".repeat(300)}:localhost` }), "M_BAD_JSON", "room_id"],
    ];
    for (const [payload, errcode, field] of cases) {
      const res = await post(t.app, payload);
      expect([res.status, res.body.errcode, res.body.field]).toEqual([400, errcode, field]);
    }
    expect(t.openId.asked).toEqual([]);
  });

  it("answers huge, deeply nested and malformed bodies quickly with a 4xx", async () => {
    const t = setup();
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const cases: [string, number][] = [
      [JSON.stringify({ ...body(), pad: "x".repeat(5_000_000) }), 413],
      [`{"room_id":"${ROOM}","openid":${nested(60_000)}}`, 413],
      // Within the limit and deep: parsed, refused by the schema.
      [`{"room_id":"${ROOM}","openid":${nested(7_000)}}`, 400],
      [`{"room_id":"${ROOM}","openid":{"access_token":${nested(7_000)}}}`, 400],
      ['{"room_id": "!pair:localhost", "openid": {', 400],
      ["null", 400],
      ['"just a string"', 400],
      [JSON.stringify(body({ openid: token("x".repeat(2_000)) })), 400],
    ];
    for (const [payload, status] of cases) {
      const started = performance.now();
      const res = await post(t.app, payload);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(res.status, payload.slice(0, 60)).toBe(status);
      expect(res.body.errcode).toMatch(/^M_/);
    }
    expect(t.openId.asked).toEqual([]);
  });

  it("limits requests per client address and per viewer", async () => {
    const perIp = setup({ perIp: 2 });
    await post(perIp.app, body());
    await post(perIp.app, body());
    const limited = await post(perIp.app, body({ openid: token("forged") }));
    expect([limited.status, limited.body.errcode]).toEqual([429, "M_LIMIT_EXCEEDED"]);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // The homeserver was asked only for the two requests let through.
    expect(perIp.openId.asked).toHaveLength(2);

    const perViewer = setup({ perViewer: 1 });
    expect((await post(perViewer.app, body())).status).toBe(200);
    expect((await post(perViewer.app, body())).status).toBe(429);
  });

  it("refuses cross-site requests like the rest of /api", async () => {
    const t = setup();
    const res = await request(t.app).post(PATH).set("Origin", "https://evil.example").send(body());
    expect(res.status).toBe(403);
    expect(t.openId.asked).toEqual([]);
  });
});

describe("POST /api/widget/exchange under generated input", () => {
  // Every answer is one of the documented ones, an `{errcode, error}` refusal unless 200.
  const DOCUMENTED = new Set([200, 400, 401, 403, 404, 413, 429, 502, 504]);

  it("answers any JSON, and near-valid bodies, with a documented status and never a 5xx of its own", async () => {
    const t = setup();
    const openid = fc.record(
      {
        access_token: fc.oneof(fc.string(), fc.constant("ana-token")),
        token_type: fc.oneof(fc.constant("Bearer"), fc.string()),
        matrix_server_name: fc.oneof(
          fc.constantFrom(OURS, PARTNER_ORG, "evil.example", "[::1]:8448", "a..b"),
          fc.string(),
        ),
        expires_in: fc.oneof(fc.integer(), fc.double()),
      },
      { requiredKeys: [] },
    );
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record({
        room_id: fc.oneof(fc.constantFrom(ROOM, "!x:localhost", "!"), fc.string()),
        openid,
      }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (payload) => {
        const started = performance.now();
        const res = await post(t.app, JSON.stringify(payload));
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(DOCUMENTED.has(res.status), `${res.status} for ${JSON.stringify(payload)}`).toBe(
          true,
        );
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) {
          expect(typeof res.body.errcode).toBe("string");
          expect(typeof res.body.error).toBe("string");
        }
      }),
      { numRuns: 300 },
    );
  });
});
