/** A Matrix user ID: `@localpart:server`, the server optionally with a port. */
const USER_ID = /^@[^\s:@]+:[A-Za-z0-9.-]+(:\d{1,5})?$|^@[^\s:@]+:\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Whether text is a Matrix user ID (at most 255 characters, as the spec allows). */
export function isMatrixUserId(text: string): boolean {
  return text.length <= 255 && USER_ID.test(text);
}
