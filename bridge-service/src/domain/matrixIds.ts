// Matrix user ids as the spec's grammar allows them (historical localparts included), capped at
// the spec's 255 bytes.
const USER_ID =
  /^@[^\s:]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^@[^\s:]+:\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** True for a well-formed Matrix user id such as `@ana:example.org`. */
export function isMatrixUserId(value: string): boolean {
  return value.length <= 255 && USER_ID.test(value);
}

/** The homeserver part of a user id: `@ana:example.org` → `example.org`. */
export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}
