/*
 * Simplified sliding sync (MSC4186), as Synapse serves it natively: the room list arrives a
 * window at a time, most recent first, with only what the list shows; a room the person opens is
 * subscribed to for its full state and recent timeline. matrix-js-sdk runs the loop (its
 * `SlidingSync` and, inside `startClient`, the extensions for to-device messages, end-to-end
 * encryption, account data, typing and receipts); this module decides what to ask for.
 */
import type { MatrixClient, Room, RoomEvent } from "matrix-js-sdk";
import type {
  MSC3575List,
  MSC3575RoomSubscription,
  MSC3575SlidingSyncResponse,
  SlidingSync,
} from "matrix-js-sdk/lib/sliding-sync";
import { sdkValue } from "./sdkValues";
import { recountRoom } from "./slidingUnread";

const RECEIPT = sdkValue<RoomEvent.Receipt>("Room.receipt");

/** The unstable MSC4186 endpoint (Synapse has no stable one yet). */
export const SLIDING_SYNC_PATH = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

/** The SDK module with `SlidingSync`; loaded lazily with the rest of the SDK. */
export type SlidingSyncModule = Pick<
  typeof import("matrix-js-sdk/lib/sliding-sync"),
  "SlidingSync" | "SlidingSyncEvent" | "SlidingSyncState"
>;

/**
 * The rooms on screen: the most recent ones, kept live with a few events each. Asked for alone
 * in the first request, so that answer is small and quick.
 */
export const VISIBLE_LIST = "visible";
/**
 * Every room, for the rest of the list: added after the first answer and widened after each
 * answer until it covers them all, with the least each room needs to be listed.
 */
export const ALL_LIST = "all";

/** MatrixRTC membership (the calls feature's `CALL_MEMBER_EVENT`; this layer sits below it). */
const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";

/** Rooms in the visible list: two screenfuls of the Chats page. */
export const VISIBLE_ROOMS = 20;
/** The first window of the list of every room. */
export const FIRST_WINDOW = 200;
/**
 * The most rooms one widening adds. Each widening doubles the window up to this, so a few
 * thousand rooms take a handful of requests, none so big a busy server keeps it for long.
 */
export const MAX_GROWTH = 1000;
/**
 * A request asked to answer at once that has not come back by then (a busy server, or it failed
 * and the SDK retries) goes back to the long poll, whose margin is long enough for any answer.
 */
const AT_ONCE_GIVE_UP_MS = 8_000;
/** How long the server may hold a request open when nothing happens. */
const POLL_TIMEOUT_MS = 30_000;

/**
 * What the room list needs to name, picture and sort a room and to see calls in it: names come
 * from the members in direct rooms (Xstream's rooms are partners and small groups, so all
 * members are cheap), MatrixRTC membership shows "Join" and rings, and the power levels say
 * whether joining a call needs a change first. Everything else comes when a room is opened.
 */
const LIST_STATE: string[][] = [
  ["m.room.create", ""],
  ["m.room.name", ""],
  ["m.room.avatar", ""],
  ["m.room.encryption", ""],
  ["m.room.power_levels", ""],
  ["m.room.member", "*"],
  [CALL_MEMBER_EVENT, "*"],
];

/**
 * A few events per room on screen: the preview needs the latest message, unread counts are
 * counted from what is there, and a call's ring (`m.rtc.notification`) must not be pushed out
 * by the membership event sent with it. Any room with news moves to the top, into this list.
 */
const VISIBLE_TIMELINE = 5;
/** The rest of the list needs only the latest event, for the preview and the order. */
const ALL_TIMELINE = 1;

/** An open room: all of its state and enough timeline to fill the screen. */
export const OPEN_ROOM: MSC3575RoomSubscription = {
  required_state: [["*", "*"]],
  timeline_limit: 50,
};

export function visibleListRequest(): MSC3575List {
  return {
    ranges: [[0, VISIBLE_ROOMS - 1]],
    required_state: LIST_STATE,
    timeline_limit: VISIBLE_TIMELINE,
  };
}

export function allListRequest(lastIndex: number): MSC3575List {
  return { ranges: [[0, lastIndex]], required_state: LIST_STATE, timeline_limit: ALL_TIMELINE };
}

/**
 * The last index of the list of every room's next window, after one ending at `lastIndex`
 * (null: none yet) in a list of `count` rooms; null when it already covers them all.
 */
export function nextWindow(lastIndex: number | null, count: number): number | null {
  const covered = lastIndex === null ? VISIBLE_ROOMS : lastIndex + 1;
  if (covered >= count) return null;
  if (lastIndex === null) return Math.min(count, FIRST_WINDOW) - 1;
  return Math.min(count - 1, lastIndex + Math.min(covered, MAX_GROWTH));
}

/**
 * Whether the homeserver serves simplified sliding sync. Synapse does not list it in
 * `/versions`, so ask the endpoint itself with an empty request that returns at once; anything
 * but a 200 (404 `M_UNRECOGNIZED` on a server without it, or no answer) means /sync v2.
 */
export async function offersSlidingSync(
  fetchImpl: typeof fetch,
  baseUrl: string,
  accessToken: string,
): Promise<boolean> {
  try {
    const response = await fetchImpl(`${baseUrl}${SLIDING_SYNC_PATH}?timeout=0`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${accessToken}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({ lists: {} }),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * One client's sliding sync: the rooms on screen first, then a list of every room, widened after
 * each answer until it covers them all, and the rooms open subscribed to.
 */
/** All the SDK's `SlidingSync` uses of the client: the request itself. */
type SlidingSyncTransport = Pick<MatrixClient, "slidingSync">;

export class SlidingRoomSync {
  readonly sync: SlidingSync;
  /** The last index the list of every room asks for; null until it is added. */
  #lastIndex: number | null = null;
  #atOnceTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #viewed = new Map<string, number>();
  #listComplete: (() => void) | null = null;
  /** Resolves once the lists cover every room the server counted. */
  readonly listComplete: Promise<void>;

  constructor(sdk: SlidingSyncModule, client: MatrixClient) {
    const transport: SlidingSyncTransport = {
      slidingSync: (request, baseUrl, signal) => client.slidingSync(request, baseUrl, signal),
    };
    this.sync = new sdk.SlidingSync(
      client.baseUrl,
      new Map([[VISIBLE_LIST, visibleListRequest()]]),
      OPEN_ROOM,
      transport as MatrixClient,
      POLL_TIMEOUT_MS,
    );
    this.listComplete = new Promise((resolve) => {
      this.#listComplete = resolve;
    });
    this.sync.on(sdk.SlidingSyncEvent.Lifecycle, (state, response) => {
      if (state !== sdk.SlidingSyncState.Complete || !response) return;
      this.#recount(client, response);
      // What was asked for has come; from here on wait for news, unless more is asked below.
      this.#answerAtOnce(false);
      this.#grow();
    });
    // My read receipt (from here or another device) changes what is unread.
    client.on(RECEIPT, (_event: unknown, room: Room) => recountRoom(client, room));
  }

  /** The rooms in an answer, counted again: the answer's own counts are placeholders. */
  #recount(client: MatrixClient, response: MSC3575SlidingSyncResponse) {
    for (const roomId of Object.keys(response.rooms ?? {})) {
      const room = client.getRoom(roomId);
      if (room) recountRoom(client, room);
    }
  }

  #grow() {
    const list = this.#lastIndex === null ? VISIBLE_LIST : ALL_LIST;
    const count = this.sync.getListData(list)?.joinedCount ?? 0;
    const next = nextWindow(this.#lastIndex, count);
    if (next === null) {
      this.#listComplete?.();
      this.#listComplete = null;
      return;
    }
    const adding = this.#lastIndex === null;
    this.#lastIndex = next;
    this.#answerAtOnce(true);
    if (adding) this.sync.setList(ALL_LIST, allListRequest(next));
    else this.sync.setListRanges(ALL_LIST, [[0, next]]);
  }

  /**
   * Whether the next request should be answered at once rather than held as a long poll.
   * Synapse holds a request with a position until a new event arrives, even when it asks for
   * more rooms or a new subscription; without this, a wider window or an opened room would wait
   * out the whole poll. The SDK's `SlidingSync` reads its timeout afresh for every request but
   * takes it only in its constructor, hence setting the field.
   */
  #answerAtOnce(yes: boolean) {
    clearTimeout(this.#atOnceTimer);
    Reflect.set(this.sync, "timeoutMS", yes ? 0 : POLL_TIMEOUT_MS);
    if (yes) this.#atOnceTimer = setTimeout(() => this.#answerAtOnce(false), AT_ONCE_GIVE_UP_MS);
  }

  /**
   * Subscribes to a room while it is on screen, for its full state and recent timeline; returns
   * what ends that. Two views of one room share the subscription.
   */
  view(roomId: string): () => void {
    this.#viewed.set(roomId, (this.#viewed.get(roomId) ?? 0) + 1);
    this.#resubscribe();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#viewed.get(roomId) ?? 1) - 1;
      if (left > 0) this.#viewed.set(roomId, left);
      else this.#viewed.delete(roomId);
      this.#resubscribe();
    };
  }

  #resubscribe() {
    const wanted = new Set(this.#viewed.keys());
    const current = this.sync.getRoomSubscriptions();
    if (wanted.size === current.size && [...wanted].every((id) => current.has(id))) return;
    this.#answerAtOnce(true);
    this.sync.modifyRoomSubscriptions(wanted);
  }
}
