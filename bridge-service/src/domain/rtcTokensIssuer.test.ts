import { describe, expect, it } from "vitest";
import { createRtcTestContext, LIVEKIT_URL, RTC_SERVER_NAME } from "../testing/rtcHarness.js";
import { LiveKitUnavailable } from "./liveKit.js";
import { Refusal } from "./refusal.js";
import {
  CALL_TOKEN_TTL_SECONDS,
  callGrant,
  LEGACY_CALL_SLOT_ID,
  legacyLiveKitIdentity,
  liveKitIdentity,
  liveKitRoomName,
} from "./rtcTokens.js";
import {
  type CallTokenFailureReason,
  type CallTokenRequest,
  issueCallToken,
  issueLegacyCallToken,
} from "./rtcTokensIssuer.js";

const ROOM = "!lesson:localhost";
const ANA = "@ana:localhost";
const CLIENT = { ip: "203.0.113.5" };

function request(overrides: Partial<CallTokenRequest> = {}): CallTokenRequest {
  return {
    roomId: ROOM,
    slotId: "m.call#ROOM",
    openIdToken: { accessToken: "ana-openid", serverName: RTC_SERVER_NAME },
    member: { id: "member-1", claimedUserId: ANA, claimedDeviceId: "ANADEVICE" },
    delegatesDelayedLeave: false,
    ...overrides,
  };
}

/** A context where Ana's OpenID token is valid and she is joined to ROOM. */
function anaInRoom(options: Parameters<typeof createRtcTestContext>[0] = {}) {
  const rtc = createRtcTestContext(options);
  rtc.openId.issue(RTC_SERVER_NAME, "ana-openid", ANA);
  rtc.join(ROOM, ANA);
  return rtc;
}

async function failureOf(promise: Promise<unknown>): Promise<{ reason: string; field?: string }> {
  try {
    await promise;
  } catch (error) {
    const { reason, field } = error as { reason: CallTokenFailureReason; field?: string };
    return field === undefined ? { reason } : { reason, field };
  }
  throw new Error("expected the token to be refused");
}

describe("issueCallToken", () => {
  it("creates the call's LiveKit room and mints a token for the member's identity", async () => {
    const rtc = anaInRoom();
    const token = await issueCallToken(rtc.context, request(), CLIENT);

    const room = liveKitRoomName(ROOM, "m.call#ROOM");
    expect(token).toEqual({ url: LIVEKIT_URL, jwt: "jwt-1" });
    expect(rtc.liveKit.rooms).toEqual([
      { name: room, emptyTimeoutSeconds: 300, departureTimeoutSeconds: 20 },
    ]);
    expect(rtc.liveKit.minted).toEqual([
      {
        identity: liveKitIdentity(ANA, "ANADEVICE", "member-1"),
        grant: callGrant(room),
        ttlSeconds: CALL_TOKEN_TTL_SECONDS,
        jwt: "jwt-1",
      },
    ]);
    expect(rtc.openId.asked).toEqual([{ serverName: RTC_SERVER_NAME, accessToken: "ana-openid" }]);
  });

  it("lets a user of an allowed homeserver in, asking that homeserver", async () => {
    const rtc = createRtcTestContext({ allowedHomeservers: ["friends.example"] });
    rtc.openId.issue("friends.example", "remote-token", "@zoe:friends.example");
    rtc.join(ROOM, "@zoe:friends.example");
    const token = await issueCallToken(
      rtc.context,
      request({
        openIdToken: { accessToken: "remote-token", serverName: "friends.example" },
        member: { id: "m-z", claimedUserId: "@zoe:friends.example", claimedDeviceId: "ZOE" },
      }),
      CLIENT,
    );
    expect(token.jwt).toBe("jwt-1");
    expect(rtc.openId.asked).toEqual([
      { serverName: "friends.example", accessToken: "remote-token" },
    ]);
  });

  it("refuses a homeserver that is not on the list without asking it", async () => {
    const rtc = createRtcTestContext({ allowedHomeservers: ["friends.example"] });
    const failure = await failureOf(
      issueCallToken(
        rtc.context,
        request({
          openIdToken: { accessToken: "x", serverName: "other.example" },
          member: { id: "m", claimedUserId: "@x:other.example", claimedDeviceId: "D" },
        }),
        CLIENT,
      ),
    );
    expect(failure).toEqual({ reason: "homeserver_not_allowed" });
    expect(rtc.openId.asked).toEqual([]);
    expect(rtc.liveKit.rooms).toEqual([]);
  });

  it("refuses a token the homeserver does not know", async () => {
    const rtc = anaInRoom();
    const failure = await failureOf(
      issueCallToken(
        rtc.context,
        request({ openIdToken: { accessToken: "forged", serverName: RTC_SERVER_NAME } }),
        CLIENT,
      ),
    );
    expect(failure).toEqual({ reason: "unauthorized" });
    expect(rtc.liveKit.minted).toEqual([]);
  });

  it("refuses a token that belongs to someone other than the claimed user", async () => {
    const rtc = anaInRoom();
    rtc.openId.issue(RTC_SERVER_NAME, "bob-openid", "@bob:localhost");
    const failure = await failureOf(
      issueCallToken(
        rtc.context,
        request({ openIdToken: { accessToken: "bob-openid", serverName: RTC_SERVER_NAME } }),
        CLIENT,
      ),
    );
    expect(failure).toEqual({ reason: "unauthorized" });
  });

  it("refuses an allowed homeserver vouching for a user of another server", async () => {
    const rtc = createRtcTestContext({ allowedHomeservers: ["friends.example"] });
    rtc.openId.issue("friends.example", "sneaky", ANA);
    rtc.join(ROOM, ANA);
    const failure = await failureOf(
      issueCallToken(
        rtc.context,
        request({ openIdToken: { accessToken: "sneaky", serverName: "friends.example" } }),
        CLIENT,
      ),
    );
    expect(failure).toEqual({ reason: "unauthorized" });
    expect(rtc.liveKit.minted).toEqual([]);
  });

  it("refuses a user who is not joined to the room, and a room the homeserver does not know", async () => {
    const rtc = anaInRoom();
    rtc.join("!other:localhost", "@bob:localhost");
    expect(
      await failureOf(issueCallToken(rtc.context, request({ roomId: "!other:localhost" }), CLIENT)),
    ).toEqual({ reason: "not_joined" });
    expect(
      await failureOf(
        issueCallToken(rtc.context, request({ roomId: "!unknown:localhost" }), CLIENT),
      ),
    ).toEqual({ reason: "not_joined" });
    expect(rtc.liveKit.rooms).toEqual([]);
  });

  it("tells an unreachable or slow homeserver apart from a refusal", async () => {
    const rtc = anaInRoom();
    rtc.openId.answer(RTC_SERVER_NAME, "down", { kind: "unavailable", reason: "ECONNREFUSED" });
    rtc.openId.answer(RTC_SERVER_NAME, "slow", { kind: "timeout" });
    const withToken = (accessToken: string) =>
      request({ openIdToken: { accessToken, serverName: RTC_SERVER_NAME } });
    expect(await failureOf(issueCallToken(rtc.context, withToken("down"), CLIENT))).toEqual({
      reason: "homeserver_unavailable",
    });
    expect(await failureOf(issueCallToken(rtc.context, withToken("slow"), CLIENT))).toEqual({
      reason: "homeserver_timeout",
    });
  });

  it("gives up on a membership check that fails or does not answer in time", async () => {
    const rtc = anaInRoom();
    rtc.membersLookup(() => Promise.reject(new Error("502 from Synapse")));
    expect(await failureOf(issueCallToken(rtc.context, request(), CLIENT))).toEqual({
      reason: "homeserver_unavailable",
    });
    rtc.membersLookup(() => new Promise(() => {}));
    expect(await failureOf(issueCallToken(rtc.context, request(), CLIENT))).toEqual({
      reason: "homeserver_timeout",
    });
    expect(rtc.liveKit.minted).toEqual([]);
  });

  it("mints nothing when LiveKit cannot create the room", async () => {
    const rtc = anaInRoom();
    rtc.liveKit.failNextRoom(new LiveKitUnavailable("refused", { timedOut: false }));
    expect(await failureOf(issueCallToken(rtc.context, request(), CLIENT))).toEqual({
      reason: "sfu_unavailable",
    });
    rtc.liveKit.failNextRoom(new LiveKitUnavailable("slow", { timedOut: true }));
    expect(await failureOf(issueCallToken(rtc.context, request(), CLIENT))).toEqual({
      reason: "sfu_timeout",
    });
    expect(rtc.liveKit.minted).toEqual([]);
  });

  it("refuses delayed-leave delegation before asking anyone", async () => {
    const rtc = anaInRoom();
    expect(
      await failureOf(
        issueCallToken(rtc.context, request({ delegatesDelayedLeave: true }), CLIENT),
      ),
    ).toEqual({ reason: "delegation_unsupported" });
    expect(rtc.openId.asked).toEqual([]);
  });

  it("names the field whose value is not an id", async () => {
    const rtc = anaInRoom();
    expect(
      await failureOf(issueCallToken(rtc.context, request({ roomId: "lesson" }), CLIENT)),
    ).toEqual({ reason: "invalid_param", field: "room_id" });
    expect(
      await failureOf(
        issueCallToken(
          rtc.context,
          request({ openIdToken: { accessToken: "t", serverName: "evil.example/steal?" } }),
          CLIENT,
        ),
      ),
    ).toEqual({ reason: "invalid_param", field: "openid_token.matrix_server_name" });
    expect(
      await failureOf(
        issueCallToken(
          rtc.context,
          request({ member: { id: "m", claimedUserId: "ana", claimedDeviceId: "D" } }),
          CLIENT,
        ),
      ),
    ).toEqual({ reason: "invalid_param", field: "member.claimed_user_id" });
    expect(rtc.openId.asked).toEqual([]);
  });

  it("limits requests per client address", async () => {
    const rtc = anaInRoom({ tokensPerIpPerMinute: 2 });
    await issueCallToken(rtc.context, request(), CLIENT);
    await issueCallToken(rtc.context, request(), CLIENT);
    const limited = await issueCallToken(rtc.context, request(), CLIENT).catch(
      (error: unknown) => error,
    );
    expect(limited).toBeInstanceOf(Refusal);
    expect(limited).toMatchObject({ reason: "rate_limited" });
    await expect(
      issueCallToken(rtc.context, request(), { ip: "198.51.100.7" }),
    ).resolves.toMatchObject({ jwt: "jwt-3" });
  });
});

describe("issueLegacyCallToken", () => {
  it("uses the room's m.call#ROOM slot and the vouched-for user's user:device identity", async () => {
    const rtc = anaInRoom();
    const token = await issueLegacyCallToken(
      rtc.context,
      {
        roomId: ROOM,
        openIdToken: { accessToken: "ana-openid", serverName: RTC_SERVER_NAME },
        deviceId: "ANADEVICE",
        delegatesDelayedLeave: false,
      },
      CLIENT,
    );
    const room = liveKitRoomName(ROOM, LEGACY_CALL_SLOT_ID);
    expect(token).toEqual({ url: LIVEKIT_URL, jwt: "jwt-1" });
    expect(rtc.liveKit.rooms.map((entry) => entry.name)).toEqual([room]);
    expect(rtc.liveKit.minted[0]).toMatchObject({
      identity: legacyLiveKitIdentity(ANA, "ANADEVICE"),
      grant: callGrant(room),
    });
  });

  it("puts legacy and MSC4195 clients of the same room in the same LiveKit room", async () => {
    const rtc = anaInRoom();
    await issueLegacyCallToken(
      rtc.context,
      {
        roomId: ROOM,
        openIdToken: { accessToken: "ana-openid", serverName: RTC_SERVER_NAME },
        deviceId: "OLD",
        delegatesDelayedLeave: false,
      },
      CLIENT,
    );
    await issueCallToken(rtc.context, request(), CLIENT);
    const [legacy, current] = rtc.liveKit.minted;
    expect(legacy?.grant.room).toBe(current?.grant.room);
  });

  it("refuses a non-member", async () => {
    const rtc = anaInRoom();
    const failure = await failureOf(
      issueLegacyCallToken(
        rtc.context,
        {
          roomId: "!elsewhere:localhost",
          openIdToken: { accessToken: "ana-openid", serverName: RTC_SERVER_NAME },
          deviceId: "ANADEVICE",
          delegatesDelayedLeave: false,
        },
        CLIENT,
      ),
    );
    expect(failure).toEqual({ reason: "not_joined" });
  });
});
