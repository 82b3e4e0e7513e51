/*
 * The first screenful of the room list straight after the Matrix login, before the crypto has
 * started (matrix-js-sdk needs it before its own sync): one simplified sliding sync request
 * (MSC4186) on a connection of its own, without extensions, asking for the rooms the SDK's first
 * answer will list first, with the same state and timeline. Element X lists rooms this way, apart from
 * its crypto. The answer is only shown until the SDK's own list has synced, and its status doubles
 * as the check whether the homeserver offers sliding sync at all (see `MatrixConnection`).
 *
 * The homeserver sends the answer, but names, messages and member events in it come from other
 * people: its shape is checked field by field, its size bounded, and junk yields no preview
 * (never an exception).
 */
import { SLIDING_SYNC_PATH, visibleListRequest } from "./slidingSync";

/**
 * Rooms in the preview: a screenful of the Chats page (ten rows on a laptop), and the most recent
 * of the SDK's first window, whose state and timeline it asks for. Half of that window (20) is
 * about half the homeserver's work (Synapse answered 12 such rooms in ~60 ms, 20 in ~120 ms,
 * on an idle stack), which is the point: the SDK's own answer brings the rest.
 */
export const PREVIEW_ROOMS = 12;

/** Its own connection: the SDK's sliding sync keeps its position apart from this request's. */
export const PREVIEW_CONN_ID = "xstream-list-preview";
export const PREVIEW_LIST = "preview";

/** More than any sensible answer for one screenful (a few hundred KB with big groups). */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;
/** Rooms read from an answer; the request asks for fewer. */
const MAX_ROOMS = 50;
/** State and timeline events read per room. */
const MAX_EVENTS_PER_ROOM = 2_000;
/** Characters kept of a name or a message: the list shows one line of each. */
const MAX_TEXT = 1_000;
/** A preview that has not come by then is not worth showing: the SDK's list is near. */
const PREVIEW_TIMEOUT_MS = 10_000;

export type PreviewMember = {
  userId: string;
  displayName: string | null;
  avatarUrl: string | null;
  membership: string;
  /** My own member event was (or my join followed) an invite marked `is_direct`. */
  directInvite: boolean;
  /** Who sent the member event (for my invite: who invited me). */
  sender: string;
};

export type PreviewEvent = {
  type: string;
  sender: string;
  /** `origin_server_ts`. */
  ts: number;
  redacted: boolean;
  msgtype: string | null;
  body: string | null;
  /** An edit of an earlier message (`m.replace`), which a preview skips. */
  edit: boolean;
  voice: boolean;
};

export type PreviewHero = { userId: string; displayName: string | null };

export type PreviewRoom = {
  roomId: string;
  /** "join" for a joined room, "invite" for an invite (from its stripped state). */
  membership: "join" | "invite";
  /** `m.room.name`, as the server computed it or from the room's state. */
  name: string | null;
  avatarUrl: string | null;
  /** The server says `m.direct` lists it. */
  isDm: boolean;
  creator: string | null;
  heroes: PreviewHero[];
  members: PreviewMember[];
  /** Oldest first, as the server sends it. */
  timeline: PreviewEvent[];
  notificationCount: number;
  highlightCount: number;
  joinedCount: number | null;
  invitedCount: number | null;
};

export type ListPreview = {
  userId: string;
  /** Rooms in the whole list (joined and invited), as the server counted them. */
  count: number;
  /** The first window, in the server's order (most recent activity first). */
  rooms: PreviewRoom[];
};

/**
 * The preview request under way. `offered` settles as soon as the answer's status is in: true for
 * a 200, false for any other status (a homeserver without sliding sync answers 404), and null when
 * no answer came (network failure, timeout), which tells nothing either way. `preview` settles once
 * the body is read: null when the request failed or the answer is not usable. Neither rejects.
 */
export type PreviewRequest = {
  offered: Promise<boolean | null>;
  preview: Promise<ListPreview | null>;
};

/** The request: one list, the start of the SDK's own first window, asking what that asks. */
export function previewRequest(): Record<string, unknown> {
  const list = { ...visibleListRequest(), ranges: [[0, PREVIEW_ROOMS - 1]] };
  return { conn_id: PREVIEW_CONN_ID, lists: { [PREVIEW_LIST]: list } };
}

/** Sends the preview request (see `PreviewRequest`). */
export function requestListPreview(
  fetchImpl: typeof fetch,
  baseUrl: string,
  accessToken: string,
  userId: string,
): PreviewRequest {
  const answered = fetchImpl(`${baseUrl}${SLIDING_SYNC_PATH}?timeout=0`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${accessToken}`,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify(previewRequest()),
    signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
  }).then(
    (response) => response,
    () => null,
  );
  const offered = answered.then((response) => (response ? response.ok : null));
  const preview = answered.then(async (response) => {
    if (!response?.ok) {
      await response?.body?.cancel().catch(() => undefined);
      return null;
    }
    try {
      const text = await readBounded(response, MAX_PREVIEW_BYTES);
      return text === null ? null : parseListPreview(text, userId);
    } catch {
      return null;
    }
  });
  return { offered, preview };
}

/** The body as text, or null when it is longer than `max` bytes (the rest is not read). */
async function readBounded(response: Response, max: number): Promise<string | null> {
  const declared = Number(response.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** The preview from an answer's text, or null when it is not JSON of the expected shape. */
export function parseListPreview(text: string, userId: string): ListPreview | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(body)) return null;
  const list = isObject(body.lists) ? body.lists[PREVIEW_LIST] : undefined;
  if (!isObject(list) || !isCount(list.count)) return null;
  const rooms = isObject(body.rooms) ? body.rooms : {};
  const order = windowOrder(list.ops);
  const previews: PreviewRoom[] = [];
  for (const roomId of order.length > 0 ? order : byBumpStamp(rooms)) {
    if (!Object.hasOwn(rooms, roomId)) continue;
    const room = previewRoom(roomId, rooms[roomId]);
    if (room) previews.push(room);
  }
  return { userId, count: list.count, rooms: previews };
}

/** The room ids of the window's SYNC operation, in order, deduplicated and bounded. */
function windowOrder(ops: unknown): string[] {
  if (!Array.isArray(ops)) return [];
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const op of ops.slice(0, 10)) {
    if (!isObject(op) || op.op !== "SYNC" || !Array.isArray(op.room_ids)) continue;
    for (const roomId of op.room_ids.slice(0, MAX_ROOMS)) {
      if (isRoomId(roomId) && !seen.has(roomId) && ids.length < MAX_ROOMS) {
        seen.add(roomId);
        ids.push(roomId);
      }
    }
  }
  return ids;
}

/** Without the window's operations (a server that leaves them out): the latest bump first. */
function byBumpStamp(rooms: Record<string, unknown>): string[] {
  const stamp = (roomId: string) => {
    const room = rooms[roomId];
    return isObject(room) && isCount(room.bump_stamp) ? room.bump_stamp : 0;
  };
  return Object.keys(rooms)
    .filter(isRoomId)
    .slice(0, MAX_ROOMS)
    .sort((a, b) => stamp(b) - stamp(a));
}

function previewRoom(roomId: string, value: unknown): PreviewRoom | null {
  if (!isObject(value)) return null;
  const invite = !Array.isArray(value.required_state) && Array.isArray(value.stripped_state);
  const stateEvents = boundedArray(invite ? value.stripped_state : value.required_state);
  let name = text(value.name);
  let avatarUrl = text(value.avatar);
  let creator: string | null = null;
  const members = new Map<string, PreviewMember>();
  for (const event of stateEvents) {
    if (!isObject(event) || !isString(event.type) || !isObject(event.content)) continue;
    const stateKey = event.state_key;
    const sender = isString(event.sender) ? event.sender : null;
    if (event.type === "m.room.create" && stateKey === "" && sender) creator = sender;
    else if (event.type === "m.room.name" && stateKey === "") name ??= text(event.content.name);
    else if (event.type === "m.room.avatar" && stateKey === "") {
      avatarUrl ??= text(event.content.url);
    } else if (event.type === "m.room.member" && isUserId(stateKey) && sender) {
      members.set(stateKey, member(stateKey, sender, event));
    }
  }
  return {
    roomId,
    membership: invite ? "invite" : "join",
    name: name?.trim() ? name.trim() : null,
    avatarUrl: avatarUrl?.startsWith("mxc://") ? avatarUrl : null,
    isDm: value.is_dm === true,
    creator,
    heroes: heroes(value.heroes),
    members: [...members.values()],
    timeline: invite ? [] : timeline(value.timeline),
    notificationCount: isCount(value.notification_count) ? value.notification_count : 0,
    highlightCount: isCount(value.highlight_count) ? value.highlight_count : 0,
    joinedCount: isCount(value.joined_count) ? value.joined_count : null,
    invitedCount: isCount(value.invited_count) ? value.invited_count : null,
  };
}

function member(userId: string, sender: string, event: Record<string, unknown>): PreviewMember {
  const content = event.content as Record<string, unknown>;
  const unsigned = isObject(event.unsigned) ? event.unsigned : {};
  const prev = isObject(unsigned.prev_content) ? unsigned.prev_content : {};
  const membership = isString(content.membership) ? content.membership : "leave";
  // As the SDK reads it: an invite marked direct, or a join whose previous state was one.
  const directInvite =
    membership === "invite"
      ? content.is_direct === true
      : membership === "join" && prev.membership === "invite" && prev.is_direct === true;
  const avatarUrl = text(content.avatar_url);
  return {
    userId,
    displayName: text(content.displayname),
    avatarUrl: avatarUrl?.startsWith("mxc://") ? avatarUrl : null,
    membership,
    directInvite,
    sender,
  };
}

function heroes(value: unknown): PreviewHero[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, 10)
    .filter(isObject)
    .filter((hero) => isUserId(hero.user_id))
    .map((hero) => ({ userId: hero.user_id as string, displayName: text(hero.displayname) }));
}

function timeline(value: unknown): PreviewEvent[] {
  const events: PreviewEvent[] = [];
  for (const event of boundedArray(value)) {
    if (!isObject(event) || !isString(event.type) || !isString(event.sender)) continue;
    if (!isCount(event.origin_server_ts)) continue;
    const content = isObject(event.content) ? event.content : {};
    const unsigned = isObject(event.unsigned) ? event.unsigned : {};
    const relation = isObject(content["m.relates_to"]) ? content["m.relates_to"] : {};
    events.push({
      type: event.type,
      sender: event.sender,
      ts: event.origin_server_ts,
      redacted: unsigned.redacted_because !== undefined,
      msgtype: text(content.msgtype),
      body: text(content.body),
      edit: relation.rel_type === "m.replace",
      voice: content["org.matrix.msc3245.voice"] !== undefined,
    });
  }
  return events;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;
/** Matrix IDs are at most 255 bytes; a longer one is junk. */
const isRoomId = (value: unknown): value is string =>
  isString(value) && value.startsWith("!") && value.length <= 255;
const isUserId = (value: unknown): value is string =>
  isString(value) && value.startsWith("@") && value.includes(":") && value.length <= 255;

/** A string, cut to what a line of the list can show; null for anything else. */
function text(value: unknown): string | null {
  return isString(value) ? value.slice(0, MAX_TEXT) : null;
}

function boundedArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value.slice(0, MAX_EVENTS_PER_ROOM) : [];
}
