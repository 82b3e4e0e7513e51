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

export const ROOM_LIST = "rooms";

/** MatrixRTC membership (the calls feature's `CALL_MEMBER_EVENT`; this layer sits below it). */
const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";

/** Rooms in the first response: more than a screenful, few enough to answer at once. */
export const FIRST_WINDOW = 40;
/** How many more rooms each following request adds, until the list holds them all. */
export const GROW_BY = 250;
/** How long the server may hold a request open when nothing happens. */
const POLL_TIMEOUT_MS = 30_000;

/**
 * What the room list needs to name, picture and sort a room and to see calls in it: names come
 * from the members in direct rooms (Xstream's rooms are partners and small groups, so all
 * members are cheap), and MatrixRTC membership shows "Join" and rings.
 */
const LIST_STATE: string[][] = [
  ["m.room.create", ""],
  ["m.room.name", ""],
  ["m.room.avatar", ""],
  ["m.room.topic", ""],
  ["m.room.encryption", ""],
  ["m.room.join_rules", ""],
  ["m.room.power_levels", ""],
  ["m.room.tombstone", ""],
  ["m.room.member", "*"],
  [CALL_MEMBER_EVENT, "*"],
];

/**
 * A few events per listed room: the preview needs the latest message, and a call's ring
 * (`m.rtc.notification`) must not be pushed out by the membership event sent with it.
 */
const LIST_TIMELINE = 5;

/** An open room: all of its state and enough timeline to fill the screen. */
export const OPEN_ROOM: MSC3575RoomSubscription = {
  required_state: [["*", "*"]],
  timeline_limit: 50,
};

export function roomListRequest(lastIndex: number): MSC3575List {
  return {
    ranges: [[0, lastIndex]],
    required_state: LIST_STATE,
    timeline_limit: LIST_TIMELINE,
  };
}

/** The window after `lastIndex` that covers more of a list of `count` rooms, or null if done. */
export function nextWindow(lastIndex: number, count: number): number | null {
  if (lastIndex + 1 >= count) return null;
  return Math.min(count - 1, lastIndex + GROW_BY);
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
 * One client's sliding sync: the room list window, grown after each answer until it covers
 * every room, and the rooms on screen subscribed to.
 */
export class SlidingRoomSync {
  readonly sync: SlidingSync;
  #lastIndex = FIRST_WINDOW - 1;
  readonly #viewed = new Map<string, number>();
  #listComplete: (() => void) | null = null;
  /** Resolves once the list window covers every room the server counted. */
  readonly listComplete: Promise<void>;

  constructor(sdk: SlidingSyncModule, client: MatrixClient) {
    this.sync = new sdk.SlidingSync(
      client.baseUrl,
      new Map([[ROOM_LIST, roomListRequest(this.#lastIndex)]]),
      OPEN_ROOM,
      client,
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
    const count = this.sync.getListData(ROOM_LIST)?.joinedCount ?? 0;
    const next = nextWindow(this.#lastIndex, count);
    if (next === null) {
      this.#listComplete?.();
      this.#listComplete = null;
      return;
    }
    this.#lastIndex = next;
    this.#answerAtOnce(true);
    this.sync.setListRanges(ROOM_LIST, [[0, next]]);
  }

  /**
   * Whether the next request should be answered at once rather than held as a long poll.
   * Synapse holds a request with a position until a new event arrives, even when it asks for
   * more rooms or a new subscription; without this, a wider window or an opened room would wait
   * out the whole poll. The SDK's `SlidingSync` reads its timeout afresh for every request but
   * takes it only in its constructor, hence setting the field.
   */
  #answerAtOnce(yes: boolean) {
    Reflect.set(this.sync, "timeoutMS", yes ? 0 : POLL_TIMEOUT_MS);
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
