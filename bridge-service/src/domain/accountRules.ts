import {
  DISPLAY_NAME_MAX_LENGTH,
  lengthInCodePoints,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from "@xstream/contract/limits";
import { COMMON_PASSWORDS } from "./commonPasswords.js";
import { Refusal } from "./refusal.js";

// The limits are part of the /api contract, which the client's forms check too.
export {
  DISPLAY_NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
};

/** Matrix localpart characters (spec: historical `+` excluded), lower case only. */
export const USERNAME_PATTERN = /^[a-z0-9._=\-/]+$/;

/** Names of staff and of the bridge's own Matrix users; `xstream*` also covers the appservice. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "moderator",
  "mod",
  "root",
  "system",
  "synapse",
  "support",
  "bot",
  "help",
  "matrix",
]);
export const RESERVED_USERNAME_PREFIX = "xstream";

/** Trimmed and lower-cased: the form accounts are stored and looked up under. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isReservedUsername(username: string): boolean {
  return username.startsWith(RESERVED_USERNAME_PREFIX) || RESERVED_USERNAMES.has(username);
}

/**
 * Checks a username chosen at sign-up and returns its normalized form.
 * @throws Refusal `invalid_username` or `reserved_username` (field `username`).
 */
export function validateNewUsername(raw: string): string {
  const trimmed = raw.trim();
  const invalid = (message: string) =>
    new Refusal("invalid_username", message, { field: "username" });
  if (trimmed.length < USERNAME_MIN_LENGTH || trimmed.length > USERNAME_MAX_LENGTH) {
    throw invalid(
      `Username must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters long.`,
    );
  }
  // Checked before lower-casing: toLowerCase maps some non-ASCII look-alikes (the Kelvin sign
  // U+212A) onto ASCII letters, and those must be refused, not silently accepted.
  if (!USERNAME_PATTERN.test(trimmed.toLowerCase()) || !/^[\x21-\x7e]+$/.test(trimmed)) {
    throw invalid("Username may only contain letters a-z, digits 0-9 and . _ = - /");
  }
  const username = trimmed.toLowerCase();
  // Synapse's own rules for new users: no leading underscore, all-digit ids are for guests.
  if (username.startsWith("_")) throw invalid("Username may not start with _");
  if (/^\d+$/.test(username)) throw invalid("Username may not be only digits.");
  if (isReservedUsername(username)) {
    throw new Refusal("reserved_username", "This username is reserved.", { field: "username" });
  }
  return username;
}

/**
 * Checks a new password for the account `username`.
 * @throws Refusal `weak_password` naming `field`.
 */
export function validateNewPassword(password: string, username: string, field = "password"): void {
  const weak = (message: string) => new Refusal("weak_password", message, { field });
  const length = lengthInCodePoints(password);
  if (length < PASSWORD_MIN_LENGTH) {
    throw weak(`Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw weak(`Password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  }
  const lower = password.toLowerCase();
  if (lower.includes(username)) throw weak("Password must not contain the username.");
  if (COMMON_PASSWORDS.has(lower)) {
    throw weak("This password is too common. Choose a less predictable one.");
  }
}

// C0/C1 controls, line/paragraph separators and the bidi overrides/isolates that can make a
// name render as something it is not.
const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;

/**
 * Checks a display name and returns it trimmed.
 * @throws Refusal `invalid_display_name` (field `displayName`).
 */
export function validateDisplayName(raw: string): string {
  const name = raw.trim();
  const invalid = (message: string) =>
    new Refusal("invalid_display_name", message, { field: "displayName" });
  const length = lengthInCodePoints(name);
  if (length < 1 || length > DISPLAY_NAME_MAX_LENGTH) {
    throw invalid(`Display name must be 1 to ${DISPLAY_NAME_MAX_LENGTH} characters long.`);
  }
  if (UNSAFE_NAME_CHARACTERS.test(name)) {
    throw invalid("Display name may not contain control characters.");
  }
  return name;
}
