import request from "supertest";
import { describe, expect, it } from "vitest";
import { LiveKitUnavailable } from "../domain/liveKit.js";
import { liveKitRoomName } from "../domain/rtcTokens.js";
import { createAppAround, createTestAuth } from "../testing/authHarness.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createRtcTestContext, LIVEKIT_URL, RTC_SERVER_NAME } from "../testing/rtcHarness.js";

const ROOM = "!lesson:localhost";
const ANA = "@ana:localhost";
const ELEMENT_CALL = "https://call.element.example";

function harness(options: Parameters<typeof createRtcTestContext>[0] = {}) {
  const rtc = createRtcTestContext(options);
  rtc.openId.issue(RTC_SERVER_NAME, "ana-openid", ANA);
  rtc.join(ROOM, ANA);
  const { logger } = createCapturedLogger();
  const app = createAppAround(createTestAuth({ logger }), logger, { rtc: rtc.context });
  return { app, ...rtc };
}

const openIdToken = (accessToken = "ana-openid", server = RTC_SERVER_NAME) => ({
  access_token: accessToken,
  token_type: "Bearer",
  matrix_server_name: server,
  expires_in: 3600,
});

function getTokenBody(overrides: Record<string, unknown> = {}) {
  return {
    room_id: ROOM,
    slot_id: "m.call#ROOM",
    openid_token: openIdToken(),
    member: { id: "member-1", claimed_user_id: ANA, claimed_device_id: "ANADEVICE" },
    ...overrides,
  };
}

describe("POST /get_token", () => {
  it("answers a member with the LiveKit URL and a token, readable from any origin", async () => {
    const { app, liveKit } = harness();
    const res = await request(app)
      .post("/get_token")
      .set("Origin", ELEMENT_CALL)
      .send(getTokenBody());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: LIVEKIT_URL, jwt: "jwt-1" });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(liveKit.rooms[0]?.name).toBe(liveKitRoomName(ROOM, "m.call#ROOM"));
  });

  it("answers the CORS preflight of any origin, without credentials", async () => {
    const { app } = harness();
    const res = await request(app)
      .options("/get_token")
      .set("Origin", ELEMENT_CALL)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "content-type");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-methods"]).toBe("POST");
    expect(res.headers["access-control-allow-headers"]?.toLowerCase()).toContain("content-type");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it.each([
    ["no JSON", "room_id=x", 400, "M_NOT_JSON", undefined],
    ["no member", { ...getTokenBody(), member: undefined }, 400, "M_BAD_JSON", "member"],
    ["an empty room id", getTokenBody({ room_id: "" }), 400, "M_BAD_JSON", "room_id"],
    ["a number as slot id", getTokenBody({ slot_id: 7 }), 400, "M_BAD_JSON", "slot_id"],
    [
      "no access token",
      getTokenBody({ openid_token: { matrix_server_name: RTC_SERVER_NAME } }),
      400,
      "M_BAD_JSON",
      "openid_token.access_token",
    ],
    ["no room id", getTokenBody({ room_id: "lesson" }), 400, "M_INVALID_PARAM", "room_id"],
    [
      "a server name that is a URL",
      getTokenBody({ openid_token: openIdToken("t", "https://evil.example/") }),
      400,
      "M_INVALID_PARAM",
      "openid_token.matrix_server_name",
    ],
    [
      "a claimed user that is no user id",
      getTokenBody({ member: { id: "m", claimed_user_id: "ana", claimed_device_id: "D" } }),
      400,
      "M_INVALID_PARAM",
      "member.claimed_user_id",
    ],
    [
      "delayed-leave delegation",
      getTokenBody({ delay_id: "syd_abc", delay_timeout: 10_000 }),
      400,
      "M_BAD_JSON",
      undefined,
    ],
  ])("refuses %s", async (_what, body, status, errcode, field) => {
    const { app, openId } = harness();
    const res = await request(app)
      .post("/get_token")
      .set("Content-Type", "application/json")
      .send(typeof body === "string" ? body : JSON.stringify(body));
    expect(res.status).toBe(status);
    expect(res.body.errcode).toBe(errcode);
    expect(res.body.field).toBe(field);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(openId.asked).toEqual([]);
  });

  it("refuses a forged token and another user's token with 401 M_UNAUTHORIZED", async () => {
    const { app, openId } = harness();
    openId.issue(RTC_SERVER_NAME, "bob-openid", "@bob:localhost");
    for (const token of ["forged", "bob-openid"]) {
      const res = await request(app)
        .post("/get_token")
        .send(getTokenBody({ openid_token: openIdToken(token) }));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        errcode: "M_UNAUTHORIZED",
        error: "The request could not be authorised.",
      });
    }
  });

  it("refuses homeservers off the list and non-members with 403 M_FORBIDDEN", async () => {
    const { app } = harness();
    const foreign = await request(app)
      .post("/get_token")
      .send(
        getTokenBody({
          openid_token: openIdToken("x", "other.example"),
          member: { id: "m", claimed_user_id: "@x:other.example", claimed_device_id: "D" },
        }),
      );
    expect(foreign.status).toBe(403);
    expect(foreign.body.errcode).toBe("M_FORBIDDEN");
    const outsider = await request(app)
      .post("/get_token")
      .send(getTokenBody({ room_id: "!elsewhere:localhost" }));
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual({
      errcode: "M_FORBIDDEN",
      error: "You are not joined to this room.",
    });
  });

  it("answers 502 and 504 when the homeserver or LiveKit fails or is slow", async () => {
    const { app, openId, liveKit } = harness();
    openId.answer(RTC_SERVER_NAME, "down", { kind: "unavailable", reason: "ECONNREFUSED" });
    openId.answer(RTC_SERVER_NAME, "slow", { kind: "timeout" });
    const down = await request(app)
      .post("/get_token")
      .send(getTokenBody({ openid_token: openIdToken("down") }));
    expect([down.status, down.body.errcode]).toEqual([502, "M_UNKNOWN"]);
    const slow = await request(app)
      .post("/get_token")
      .send(getTokenBody({ openid_token: openIdToken("slow") }));
    expect([slow.status, slow.body.errcode]).toEqual([504, "M_UNKNOWN"]);
    liveKit.failNextRoom(new LiveKitUnavailable("slow", { timedOut: true }));
    const sfu = await request(app).post("/get_token").send(getTokenBody());
    expect([sfu.status, sfu.body.errcode]).toEqual([504, "M_UNKNOWN"]);
  });

  it("limits requests per client address with 429 and Retry-After", async () => {
    const { app } = harness({ tokensPerIpPerMinute: 1 });
    expect((await request(app).post("/get_token").send(getTokenBody())).status).toBe(200);
    const limited = await request(app).post("/get_token").send(getTokenBody());
    expect(limited.status).toBe(429);
    expect(limited.body.errcode).toBe("M_LIMIT_EXCEEDED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("answers other methods with 405 M_UNRECOGNIZED", async () => {
    const { app } = harness();
    const res = await request(app).get("/get_token");
    expect(res.status).toBe(405);
    expect(res.body.errcode).toBe("M_UNRECOGNIZED");
    expect(res.headers.allow).toBe("POST");
  });
});

describe("POST /sfu/get", () => {
  it("answers a member with the LiveKit URL and a token for the room's call", async () => {
    const { app, liveKit } = harness();
    const res = await request(app)
      .post("/sfu/get")
      .set("Origin", ELEMENT_CALL)
      .send({ room: ROOM, openid_token: openIdToken(), device_id: "ANADEVICE" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: LIVEKIT_URL, jwt: "jwt-1" });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(liveKit.minted[0]?.identity).toBe(`${ANA}:ANADEVICE`);
  });

  it("answers its CORS preflight", async () => {
    const { app } = harness();
    const res = await request(app)
      .options("/sfu/get")
      .set("Origin", ELEMENT_CALL)
      .set("Access-Control-Request-Method", "POST");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("refuses bad bodies, forged tokens and non-members", async () => {
    const { app } = harness();
    const noRoom = await request(app)
      .post("/sfu/get")
      .send({ openid_token: openIdToken(), device_id: "D" });
    expect([noRoom.status, noRoom.body.errcode, noRoom.body.field]).toEqual([
      400,
      "M_BAD_JSON",
      "room",
    ]);
    const forged = await request(app)
      .post("/sfu/get")
      .send({ room: ROOM, openid_token: openIdToken("forged"), device_id: "D" });
    expect([forged.status, forged.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
    const outsider = await request(app)
      .post("/sfu/get")
      .send({ room: "!elsewhere:localhost", openid_token: openIdToken(), device_id: "D" });
    expect([outsider.status, outsider.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
  });
});

describe("the token service's neighbours", () => {
  it("shares the bridge's health check", async () => {
    const { app } = harness();
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("is described in the OpenAPI document", async () => {
    const { app } = harness();
    const doc = (await request(app).get("/api/docs")).body;
    expect(doc.paths["/get_token"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CallTokenRequest",
    });
    expect(doc.paths["/sfu/get"].post.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CallTokenResponse",
    });
    expect(Object.keys(doc.paths["/get_token"].post.responses).sort()).toEqual(
      ["200", "400", "401", "403", "405", "413", "429", "502", "504"].sort(),
    );
    expect(doc.components.schemas.CallTokenRequest.required.sort()).toEqual(
      ["member", "openid_token", "room_id", "slot_id"].sort(),
    );
    expect(doc.components.schemas.CallTokenRequest.properties.openid_token).toEqual({
      $ref: "#/components/schemas/OpenIdToken",
    });
  });
});
