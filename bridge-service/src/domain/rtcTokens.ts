// The MatrixRTC LiveKit token service's rules, as plain functions: which homeservers may ask,
// how a Matrix room and member map to a LiveKit room and participant, and what the LiveKit
// token allows. Room names and identities are derived exactly as Element's lk-jwt-service
// derives them (helper.go: LiveKitRoomAliasFor, LiveKitIdentityFor; handler.go: the legacy
// `user:device` identity), so a call started through either service lands in the same LiveKit
// room and every participant keeps the identity Element Call expects.
import { createHash } from "node:crypto";
import { isMatrixUserId, serverNameOf } from "./matrixIds.js";

/** The MatrixRTC slot of a room's one call; the legacy /sfu/get endpoint always means it. */
export const LEGACY_CALL_SLOT_ID = "m.call#ROOM";

/**
 * How long a minted LiveKit token can be used to join. 15 minutes rather than lk-jwt-service's
 * hour: LiveKit re-issues tokens to connected participants itself (every 5 minutes, each valid
 * for at least 10), so a call never depends on ours after the first refresh; ours only has to
 * cover fetching it and connecting. The membership check runs again for every new token, so
 * someone who left the Matrix room can rejoin the call for at most this long, and a token that
 * leaks (logs, a shared screen) is worth as little.
 */
export const CALL_TOKEN_TTL_SECONDS = 15 * 60;

/** lk-jwt-service's room settings: kept 5 min for the first joiner, 20 s after the last leaves. */
export const LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS = 5 * 60;
export const LIVEKIT_ROOM_DEPARTURE_TIMEOUT_SECONDS = 20;

/** Longest room id, slot id, member id or device id accepted: the spec's limit for ids. */
export const RTC_ID_MAX_LENGTH = 255;

// Go's encoding/json escapes these for safe embedding in HTML; JSON.stringify does not.
const GO_HTML_ESCAPES = /[<>&\u2028\u2029]/g;
// Go strings are UTF-8 bytes: an unpaired surrogate cannot reach lk-jwt-service as itself, its
// JSON decoder turns one into U+FFFD.
const UNPAIRED_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A JSON array of strings byte-for-byte as Go's `json.Marshal([]string)` writes it, the input
 * of lk-jwt-service's hashes. Both escape `"`, `\` and control characters the same way (`\b`,
 * `\f`, `\n`, `\r`, `\t`, else `\u00xx`, since Go 1.22); Go also escapes `<`, `>`, `&`, U+2028
 * and U+2029, which never occur inside an escape sequence, so replacing them afterwards is safe.
 */
export function goJsonStringArray(values: readonly string[]): string {
  return JSON.stringify(values.map((value) => value.replace(UNPAIRED_SURROGATE, "\uFFFD"))).replace(
    GO_HTML_ESCAPES,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** SHA-256 of the values' Go JSON encoding, as unpadded standard base64 (lk-jwt-service's form). */
function hashOf(values: readonly string[]): string {
  return createHash("sha256")
    .update(goJsonStringArray(values), "utf8")
    .digest("base64")
    .replace(/=+$/, "");
}

/** The LiveKit room of a MatrixRTC slot: `b64(sha256(json([roomId, slotId])))`. */
export function liveKitRoomName(roomId: string, slotId: string): string {
  return hashOf([roomId, slotId]);
}

/**
 * A /get_token participant's LiveKit identity: `b64(sha256(json([userId, deviceId, memberId])))`.
 * `userId` is the one the homeserver vouched for, never just the claimed one.
 */
export function liveKitIdentity(userId: string, deviceId: string, memberId: string): string {
  return hashOf([userId, deviceId, memberId]);
}

/** A legacy /sfu/get participant's LiveKit identity: `<userId>:<deviceId>`, unhashed. */
export function legacyLiveKitIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** What a call token lets its holder do: join this one room, publish and subscribe, nothing more. */
export interface CallGrant {
  room: string;
  roomJoin: true;
  /** Rooms are created by this service after its checks, never by a participant. */
  roomCreate: false;
  canPublish: true;
  canSubscribe: true;
  canPublishData: true;
  /** lk-jwt-service grants it (Element Call sets its own participant metadata). */
  canUpdateOwnMetadata: true;
}

export function callGrant(room: string): CallGrant {
  return {
    room,
    roomJoin: true,
    roomCreate: false,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: true,
  };
}

/** Whose OpenID tokens this service checks: its own homeserver's and the allow-listed ones'. */
export type HomeserverAccess = "own" | "allowed" | "refused";

export function homeserverAccess(
  serverName: string,
  policy: { ownServerName: string; allowedHomeservers: readonly string[] },
): HomeserverAccess {
  if (serverName === policy.ownServerName) return "own";
  return policy.allowedHomeservers.includes(serverName) ? "allowed" : "refused";
}

/**
 * Whether the user a homeserver vouched for (`sub`) may be who the request says: a well-formed
 * user id of that very homeserver (another could vouch for anyone's users) and, when the request
 * claims a user, that one.
 */
export function vouchedUserMatches(
  sub: string,
  expected: { serverName: string; claimedUserId?: string },
): boolean {
  if (!isMatrixUserId(sub) || serverNameOf(sub) !== expected.serverName) return false;
  return expected.claimedUserId === undefined || sub === expected.claimedUserId;
}
