// What the widget page learns from its own URL. The host (Element or another Matrix client) fills
// in the bot's template (roomId, userId, displayName, theme) and appends widgetId and parentUrl.
// Anyone can open the page with any query string, so every value is checked and bounded; a page
// opened wrongly says what is missing instead of failing somewhere later.

/** Matrix identifiers are at most 255 bytes (spec: "Identifier grammar"). */
const ID_MAX_BYTES = 255;
/** Longer than any display name a homeserver accepts, short enough to render. */
const DISPLAY_NAME_MAX = 256;
const URL_MAX = 2048;

export interface WidgetParams {
  widgetId: string;
  /** The host page's origin: the only window the widget talks to, and accepts messages from. */
  parentOrigin: string;
  roomId: string;
  userId: string;
  displayName: string | undefined;
  theme: "light" | "dark" | undefined;
}

export type WidgetParamsResult =
  | { ok: true; params: WidgetParams }
  | { ok: false; problems: string[] };

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Printable, no whitespace or control characters, within the byte limit. */
function isBoundedToken(value: string): boolean {
  return value.length > 0 && utf8Length(value) <= ID_MAX_BYTES && /^[^\s\p{C}]+$/u.test(value);
}

/** `!opaque` (room versions 12 and later drop the `:server` part), bounded. */
export function isRoomId(value: string): boolean {
  return value.startsWith("!") && value.length > 1 && isBoundedToken(value);
}

/** `@localpart:server`, bounded. */
export function isUserId(value: string): boolean {
  return /^@[^:]+:.+$/.test(value) && isBoundedToken(value);
}

/** The origin of an http(s) URL, or undefined for anything else. */
function httpOrigin(value: string): string | undefined {
  if (value.length > URL_MAX) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  return url.origin;
}

/** Element leaves a `$variable` in place when it has no value for it. */
const unfilled = (value: string | null) =>
  value === null || value === "" || value.startsWith("$") ? undefined : value;

/** Element's theme names are "light", "dark", "light-high-contrast", "dark-custom-…" and so on. */
export function themeFromName(name: unknown): "light" | "dark" | undefined {
  if (typeof name !== "string") return undefined;
  if (name.startsWith("dark")) return "dark";
  if (name.startsWith("light")) return "light";
  return undefined;
}

export function parseWidgetParams(search: string): WidgetParamsResult {
  const query = new URLSearchParams(search);
  const problems: string[] = [];

  const widgetId = unfilled(query.get("widgetId"));
  if (widgetId === undefined || !isBoundedToken(widgetId)) {
    problems.push("widgetId is missing or malformed");
  }
  const parentUrl = unfilled(query.get("parentUrl"));
  const parentOrigin = parentUrl === undefined ? undefined : httpOrigin(parentUrl);
  if (parentOrigin === undefined) {
    problems.push("parentUrl is missing or not an http(s) URL");
  }
  const roomId = unfilled(query.get("roomId"));
  if (roomId === undefined || !isRoomId(roomId)) problems.push("roomId is missing or malformed");
  const userId = unfilled(query.get("userId"));
  if (userId === undefined || !isUserId(userId)) problems.push("userId is missing or malformed");

  if (problems.length > 0) return { ok: false, problems };

  const name = unfilled(query.get("displayName"));
  const displayName =
    name !== undefined && name.trim() !== ""
      ? Array.from(name).slice(0, DISPLAY_NAME_MAX).join("")
      : undefined;
  const theme = themeFromName(unfilled(query.get("theme")));

  return {
    ok: true,
    params: {
      widgetId: widgetId as string,
      parentOrigin: parentOrigin as string,
      roomId: roomId as string,
      userId: userId as string,
      displayName,
      theme,
    },
  };
}
