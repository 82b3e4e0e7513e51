// Issuing a LiveKit token for a MatrixRTC call: who asks (an OpenID token their homeserver
// vouches for), whether they may (an allowed homeserver, joined to the Matrix room), then the
// LiveKit room and a token for it. The rules are in rtcTokens.ts; this runs them against the
// homeserver, Synapse's admin API and LiveKit, given as ports.

import type { Logger } from "../logger.js";
import type { OpenIdVerifier } from "../matrix/openIdUserInfo.js";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import type { LiveKitServer } from "./liveKit.js";
import { LiveKitUnavailable } from "./liveKit.js";
import { isMatrixRoomId, isMatrixUserId, isServerName } from "./matrixIds.js";
import {
  joinedMembersWithin,
  type OpenIdToken,
  OpenIdViewerFailure,
  type RoomMembers,
  verifyOpenIdViewer,
} from "./openIdViewer.js";
import { consumeRateLimit, type RateLimitRule } from "./rateLimits.js";
import {
  CALL_TOKEN_TTL_SECONDS,
  callGrant,
  type HomeserverAccess,
  LEGACY_CALL_SLOT_ID,
  LIVEKIT_ROOM_DEPARTURE_TIMEOUT_SECONDS,
  LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS,
  legacyLiveKitIdentity,
  liveKitIdentity,
  liveKitRoomName,
} from "./rtcTokens.js";

export type { OpenIdToken, RoomMembers } from "./openIdViewer.js";

/** Bound on each outbound call (homeserver, Synapse admin, LiveKit): a few seconds, never a hang. */
export const CALL_TOKEN_UPSTREAM_TIMEOUT_MS = 5_000;

export interface CallTokenContext {
  ownServerName: string;
  /** Other homeservers whose users may get tokens (RTC_ALLOWED_HOMESERVERS). */
  allowedHomeservers: readonly string[];
  openId: OpenIdVerifier;
  members: RoomMembers;
  liveKit: LiveKitServer;
  rateLimits: RateLimitStore;
  /** Per client address. */
  rateLimit: RateLimitRule;
  /** Bound on the membership check (the admin client has its own, longer one). */
  membershipTimeoutMs: number;
  now: () => Date;
  logger: Logger;
}

/** POST /get_token (MSC4195): one MatrixRTC member of one slot. */
export interface CallTokenRequest {
  roomId: string;
  slotId: string;
  openIdToken: OpenIdToken;
  member: { id: string; claimedUserId: string; claimedDeviceId: string };
  /** The client asked us to look after its delayed leave event (not supported). */
  delegatesDelayedLeave: boolean;
}

/** POST /sfu/get (before MSC4195): a device in a room's call. */
export interface LegacyCallTokenRequest {
  roomId: string;
  openIdToken: OpenIdToken;
  deviceId: string;
  delegatesDelayedLeave: boolean;
}

export interface CallToken {
  /** Where to connect. */
  url: string;
  jwt: string;
}

export type CallTokenFailureReason =
  /** A field is well-typed but not a valid value (room id, user id, server name). */
  | "invalid_param"
  | "delegation_unsupported"
  /** The OpenID token is not valid, or belongs to someone other than claimed. */
  | "unauthorized"
  | "homeserver_not_allowed"
  | "not_joined"
  | "homeserver_unavailable"
  | "homeserver_timeout"
  | "sfu_unavailable"
  | "sfu_timeout";

/** Why no token was issued; the HTTP layer picks status and errcode from `reason`. */
export class CallTokenFailure extends Error {
  readonly reason: CallTokenFailureReason;
  readonly field: string | undefined;

  constructor(reason: CallTokenFailureReason, message: string, options: { field?: string } = {}) {
    super(message);
    this.name = "CallTokenFailure";
    this.reason = reason;
    this.field = options.field;
  }
}

const MINUTE = 60_000;

export function callTokenRateLimitRule(perIpPerMinute: number): RateLimitRule {
  return { name: "rtc-token:ip", limit: perIpPerMinute, windowMs: MINUTE };
}

// One message for every authentication failure, as lk-jwt-service does: a caller learns
// nothing about which part was wrong.
const UNAUTHORIZED = "The request could not be authorised.";

interface Admission {
  roomId: string;
  slotId: string;
  openIdToken: OpenIdToken;
  claimedUserId: string | undefined;
  delegatesDelayedLeave: boolean;
  identityOf: (userId: string) => string;
  /** Request field names, for errors. */
  fields: { roomId: string; serverName: string };
}

/** The shared viewer checks' failure, in this service's words. */
function callTokenFailureOf(error: unknown): unknown {
  if (!(error instanceof OpenIdViewerFailure)) return error;
  switch (error.reason) {
    case "homeserver_not_allowed":
      return new CallTokenFailure(
        "homeserver_not_allowed",
        "Users of this homeserver cannot use this call service.",
      );
    case "unknown_token":
      return new CallTokenFailure("unauthorized", UNAUTHORIZED);
    default:
      return new CallTokenFailure(error.reason, error.message);
  }
}

async function authorise(
  context: CallTokenContext,
  admission: Admission,
): Promise<{ userId: string; access: HomeserverAccess }> {
  try {
    const viewer = await verifyOpenIdViewer(context, admission.openIdToken, {
      purpose: "call token",
      claimedUserId: admission.claimedUserId,
    });
    const members = await joinedMembersWithin(
      context,
      admission.roomId,
      context.membershipTimeoutMs,
    );
    if (!members?.includes(viewer.userId)) {
      context.logger.info(
        { roomId: admission.roomId, userId: viewer.userId },
        "call token refused: not joined to the room",
      );
      throw new CallTokenFailure("not_joined", "You are not joined to this room.");
    }
    return viewer;
  } catch (error) {
    throw callTokenFailureOf(error);
  }
}

async function admit(
  context: CallTokenContext,
  admission: Admission,
  client: { ip: string },
): Promise<CallToken> {
  await consumeRateLimit(context.rateLimits, context.rateLimit, client.ip, context.now());
  const { roomId, openIdToken, claimedUserId, fields } = admission;
  if (claimedUserId !== undefined && !isMatrixUserId(claimedUserId)) {
    throw new CallTokenFailure("invalid_param", "Not a Matrix user id.", {
      field: "member.claimed_user_id",
    });
  }
  if (!isMatrixRoomId(roomId)) {
    throw new CallTokenFailure("invalid_param", "Not a Matrix room id.", { field: fields.roomId });
  }
  if (!isServerName(openIdToken.serverName)) {
    throw new CallTokenFailure("invalid_param", "Not a Matrix server name.", {
      field: fields.serverName,
    });
  }
  if (admission.delegatesDelayedLeave) {
    // lk-jwt-service's answer when it will not delegate: clients retry without it.
    throw new CallTokenFailure(
      "delegation_unsupported",
      "Delegation of delayed leave events is not supported by this service.",
    );
  }
  const { userId, access } = await authorise(context, admission);

  const room = liveKitRoomName(roomId, admission.slotId);
  const identity = admission.identityOf(userId);
  try {
    await context.liveKit.ensureRoom({
      name: room,
      emptyTimeoutSeconds: LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS,
      departureTimeoutSeconds: LIVEKIT_ROOM_DEPARTURE_TIMEOUT_SECONDS,
    });
  } catch (error) {
    context.logger.warn({ err: error, room }, "creating the LiveKit room failed");
    const timedOut = error instanceof LiveKitUnavailable && error.timedOut;
    throw new CallTokenFailure(
      timedOut ? "sfu_timeout" : "sfu_unavailable",
      "Unable to create the room on the SFU.",
    );
  }
  const jwt = await context.liveKit.mintJoinToken({
    identity,
    grant: callGrant(room),
    ttlSeconds: CALL_TOKEN_TTL_SECONDS,
  });
  context.logger.info(
    { userId, roomId, slotId: admission.slotId, liveKitRoom: room, identity, access },
    "call token issued",
  );
  return { url: context.liveKit.url, jwt };
}

/**
 * A LiveKit token for one MatrixRTC member (POST /get_token).
 * @throws CallTokenFailure, or Refusal `rate_limited`
 */
export function issueCallToken(
  context: CallTokenContext,
  request: CallTokenRequest,
  client: { ip: string },
): Promise<CallToken> {
  const { claimedUserId, claimedDeviceId, id: memberId } = request.member;
  return admit(
    context,
    {
      roomId: request.roomId,
      slotId: request.slotId,
      openIdToken: request.openIdToken,
      claimedUserId,
      delegatesDelayedLeave: request.delegatesDelayedLeave,
      identityOf: (userId) => liveKitIdentity(userId, claimedDeviceId, memberId),
      fields: { roomId: "room_id", serverName: "openid_token.matrix_server_name" },
    },
    client,
  );
}

/**
 * A LiveKit token for a device in a room's call (POST /sfu/get): the room's `m.call#ROOM` slot,
 * and the vouched-for user's `user:device` identity.
 * @throws CallTokenFailure, or Refusal `rate_limited`
 */
export function issueLegacyCallToken(
  context: CallTokenContext,
  request: LegacyCallTokenRequest,
  client: { ip: string },
): Promise<CallToken> {
  return admit(
    context,
    {
      roomId: request.roomId,
      slotId: LEGACY_CALL_SLOT_ID,
      openIdToken: request.openIdToken,
      claimedUserId: undefined,
      delegatesDelayedLeave: request.delegatesDelayedLeave,
      identityOf: (userId) => legacyLiveKitIdentity(userId, request.deviceId),
      fields: { roomId: "room", serverName: "openid_token.matrix_server_name" },
    },
    client,
  );
}
