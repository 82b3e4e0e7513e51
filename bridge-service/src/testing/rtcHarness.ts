// Stand-ins for the token service's ports (homeservers' OpenID answers, room members, LiveKit)
// and a context wired to them, for unit tests of the domain and the router.

import type { LiveKitRoomSettings, LiveKitServer } from "../domain/liveKit.js";
import { type CallTokenContext, callTokenRateLimitRule } from "../domain/rtcTokensIssuer.js";
import type { OpenIdUserInfo, OpenIdVerifier } from "../matrix/openIdUserInfo.js";
import { createInMemoryRateLimitStore } from "../store/memory/inMemoryRateLimitStore.js";
import { createCapturedLogger } from "./capturedLogger.js";

export const RTC_SERVER_NAME = "localhost";
export const LIVEKIT_URL = "ws://livekit.test:7880";

/** Homeservers' answers by `serverName` then access token; unknown tokens are rejected. */
export function createFakeOpenId() {
  const answers = new Map<string, OpenIdUserInfo | (() => Promise<OpenIdUserInfo>)>();
  const asked: { serverName: string; accessToken: string }[] = [];
  const key = (serverName: string, accessToken: string) => `${serverName}\n${accessToken}`;
  const verifier: OpenIdVerifier = {
    async userInfo(serverName, accessToken) {
      asked.push({ serverName, accessToken });
      const answer = answers.get(key(serverName, accessToken));
      if (answer === undefined)
        return { kind: "rejected", status: 401, errcode: "M_UNKNOWN_TOKEN" };
      return typeof answer === "function" ? answer() : answer;
    },
  };
  return {
    verifier,
    asked,
    /** `accessToken` from `serverName` belongs to `userId`. */
    issue(serverName: string, accessToken: string, userId: string) {
      answers.set(key(serverName, accessToken), { kind: "user", sub: userId });
    },
    answer(
      serverName: string,
      accessToken: string,
      answer: OpenIdUserInfo | (() => Promise<OpenIdUserInfo>),
    ) {
      answers.set(key(serverName, accessToken), answer);
    },
  };
}

export interface MintedToken {
  identity: string;
  grant: Parameters<LiveKitServer["mintJoinToken"]>[0]["grant"];
  ttlSeconds: number;
  jwt: string;
}

/** Records rooms and tokens; `failNextRoom` makes the next ensureRoom throw. */
export function createFakeLiveKit() {
  const rooms: LiveKitRoomSettings[] = [];
  const minted: MintedToken[] = [];
  let failure: Error | undefined;
  const server: LiveKitServer = {
    url: LIVEKIT_URL,
    async ensureRoom(room) {
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      rooms.push(room);
    },
    async mintJoinToken({ identity, grant, ttlSeconds }) {
      const jwt = `jwt-${minted.length + 1}`;
      minted.push({ identity, grant, ttlSeconds, jwt });
      return jwt;
    },
  };
  return {
    server,
    rooms,
    minted,
    failNextRoom(error: Error) {
      failure = error;
    },
  };
}

export function createRtcTestContext(
  options: { allowedHomeservers?: string[]; tokensPerIpPerMinute?: number } = {},
) {
  const { logger, records } = createCapturedLogger();
  const openId = createFakeOpenId();
  const liveKit = createFakeLiveKit();
  const roomMembers = new Map<string, string[]>();
  let membersOverride: ((roomId: string) => Promise<readonly string[] | undefined>) | undefined;
  const context: CallTokenContext = {
    ownServerName: RTC_SERVER_NAME,
    allowedHomeservers: options.allowedHomeservers ?? [],
    openId: openId.verifier,
    members: {
      joinedMembers: (roomId) =>
        membersOverride ? membersOverride(roomId) : Promise.resolve(roomMembers.get(roomId)),
    },
    liveKit: liveKit.server,
    rateLimits: createInMemoryRateLimitStore(),
    rateLimit: callTokenRateLimitRule(options.tokensPerIpPerMinute ?? 1_000),
    membershipTimeoutMs: 50,
    now: () => new Date(),
    logger,
  };
  return {
    context,
    openId,
    liveKit,
    logs: records,
    /** Makes `userId` a joined member of `roomId`. */
    join(roomId: string, userId: string) {
      roomMembers.set(roomId, [...(roomMembers.get(roomId) ?? []), userId]);
    },
    /** Replaces the members look-up, e.g. with one that fails or never answers. */
    membersLookup(lookup: (roomId: string) => Promise<readonly string[] | undefined>) {
      membersOverride = lookup;
    },
  };
}
