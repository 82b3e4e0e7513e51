// Matrix identifiers as the spec's grammar (appendices, "Identifier Grammar") allows them, each
// capped at the spec's 255 bytes. One rule per kind of id, used by every entry point.

import { MATRIX_ID_MAX_BYTES } from "@xstream/contract/limits";

/** The spec's limit on user, room and event ids, in bytes of UTF-8 (part of the /api contract). */
export { MATRIX_ID_MAX_BYTES };

const fitsMatrixIdLimit = (value: string) =>
  value.length <= MATRIX_ID_MAX_BYTES && Buffer.byteLength(value, "utf8") <= MATRIX_ID_MAX_BYTES;

// Server names: a DNS name, IPv4 address or bracketed IPv6 literal, with an optional port.
// Anything else (slashes, `@`, spaces) could steer a URL built from it.
const SERVER_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** True for a Matrix server name such as `example.org`, `10.0.0.1:8448` or `[::1]:8448`. */
export function isServerName(value: string): boolean {
  if (!SERVER_NAME.test(value)) return false;
  // Only a port after the host matches: an IPv6 literal's colons are inside its brackets.
  const port = /:([0-9]{1,5})$/.exec(value.slice(value.lastIndexOf("]") + 1))?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

// A reference hash: 32 bytes of SHA-256 as unpadded base64, 43 characters. Room version 3 event
// ids use the standard alphabet, later versions (and v12 room ids) the URL-safe one.
const URL_SAFE_HASH = /^[A-Za-z0-9_-]{43}$/;
const ANY_BASE64_HASH = /^[A-Za-z0-9+/_-]{43}$/;
// The opaque part of a server-scoped id (`!opaque:server`, `$opaque:server`): printable, no
// colon, no whitespace or control characters.
const OPAQUE_PART = /^[^\s:\p{Cc}]+$/u;

/** `sigil opaque:server`, the form every room id had before room version 12. */
function isServerScoped(value: string, sigil: string): boolean {
  if (!value.startsWith(sigil)) return false;
  const colon = value.indexOf(":");
  return (
    colon > 1 && OPAQUE_PART.test(value.slice(1, colon)) && isServerName(value.slice(colon + 1))
  );
}

/**
 * True for a room id of any room version: `!opaque:server` (versions 1–11) or, from room
 * version 12, `!` and the create event's reference hash (43 characters of URL-safe base64).
 */
export function isMatrixRoomId(value: string): boolean {
  if (!fitsMatrixIdLimit(value) || !value.startsWith("!")) return false;
  return URL_SAFE_HASH.test(value.slice(1)) || isServerScoped(value, "!");
}

/**
 * True for an event id of any room version: `$opaque:server` (versions 1–2) or `$` and the
 * event's reference hash (standard base64 in version 3, URL-safe from version 4).
 */
export function isMatrixEventId(value: string): boolean {
  if (!fitsMatrixIdLimit(value) || !value.startsWith("$")) return false;
  return ANY_BASE64_HASH.test(value.slice(1)) || isServerScoped(value, "$");
}

// User ids: historical localparts included.
const USER_ID =
  /^@[^\s:]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^@[^\s:]+:\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** True for a well-formed Matrix user id such as `@ana:example.org`. */
export function isMatrixUserId(value: string): boolean {
  return fitsMatrixIdLimit(value) && USER_ID.test(value);
}

/** The homeserver part of a user id: `@ana:example.org` → `example.org`. */
export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}
