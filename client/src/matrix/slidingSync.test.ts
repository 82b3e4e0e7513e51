import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import {
  ALL_LIST,
  FIRST_WINDOW,
  MAX_GROWTH,
  nextWindow,
  offersSlidingSync,
  SLIDING_SYNC_PATH,
  SlidingRoomSync,
  type SlidingSyncModule,
  VISIBLE_LIST,
  VISIBLE_ROOMS,
} from "./slidingSync";

type Listener = (state: string, response: unknown) => void;

/** The SDK's SlidingSync as SlidingRoomSync drives it: list windows, subscriptions, lifecycle. */
class FakeSlidingSync {
  static last: FakeSlidingSync | null = null;
  /** The windows the list of every room asked for, in order. */
  readonly ranges: number[][][] = [];
  readonly added: { key: string; timeline_limit?: number }[] = [];
  joinedCount = 0;
  timeoutMS = 30_000;
  subscriptions = new Set<string>();
  readonly subscriptionChanges: string[][] = [];
  #listener: Listener | null = null;

  constructor(
    _url: string,
    readonly lists: Map<string, { ranges: number[][]; timeline_limit?: number }>,
    _subscription: unknown,
    /** What the SDK's SlidingSync sends its requests through. */
    readonly transport: Pick<MatrixClient, "slidingSync">,
  ) {
    FakeSlidingSync.last = this;
  }
  getListParams(key: string) {
    const list = this.lists.get(key);
    return list ? JSON.parse(JSON.stringify(list)) : null;
  }
  on(_event: string, listener: Listener) {
    this.#listener = listener;
  }
  getListData(key: string) {
    return this.lists.has(key) ? { joinedCount: this.joinedCount } : null;
  }
  setList(key: string, list: { ranges: number[][]; timeline_limit?: number }) {
    this.lists.set(key, list);
    this.added.push({ key, timeline_limit: list.timeline_limit });
    this.ranges.push(list.ranges);
  }
  setListRanges(key: string, ranges: number[][]) {
    expect(key).toBe(ALL_LIST);
    this.ranges.push(ranges);
  }
  getRoomSubscriptions() {
    return new Set(this.subscriptions);
  }
  modifyRoomSubscriptions(rooms: Set<string>) {
    this.subscriptions = new Set(rooms);
    this.subscriptionChanges.push([...rooms].sort());
  }
  /** A response was processed. */
  complete() {
    this.#listener?.("COMPLETE", { pos: "1" });
  }
}

const module = {
  SlidingSync: FakeSlidingSync,
  SlidingSyncEvent: { Lifecycle: "SlidingSync.Lifecycle" },
  SlidingSyncState: { Complete: "COMPLETE" },
} as unknown as SlidingSyncModule;

const ANSWER = { pos: "1", lists: {}, rooms: {}, extensions: {} };

function fakeClient() {
  return {
    baseUrl: "https://hs.example",
    on: () => {},
    getRoom: () => null,
    slidingSync: vi.fn(async (_request: unknown, _url?: string, _signal?: AbortSignal) => ANSWER),
  };
}

function start(client = fakeClient()) {
  const rooms = new SlidingRoomSync(module, client as unknown as MatrixClient);
  const sync = FakeSlidingSync.last as FakeSlidingSync;
  return { rooms, sync, client };
}

/** The SDK's first request as it builds it: its lists, a timeout and every extension. */

describe("nextWindow", () => {
  it("starts after the visible rooms, doubles up to a limit and stops at the last room", () => {
    expect(nextWindow(null, VISIBLE_ROOMS)).toBeNull();
    expect(nextWindow(null, 5)).toBeNull();
    expect(nextWindow(null, VISIBLE_ROOMS + 5)).toBe(VISIBLE_ROOMS + 4);
    expect(nextWindow(null, 2000)).toBe(FIRST_WINDOW - 1);
    expect(nextWindow(FIRST_WINDOW - 1, 2000)).toBe(2 * FIRST_WINDOW - 1);
    expect(nextWindow(1599, 100_000)).toBe(1599 + MAX_GROWTH);
    expect(nextWindow(1599, 2000)).toBe(1999);
    expect(nextWindow(1999, 2000)).toBeNull();
  });
});

describe("SlidingRoomSync", () => {
  it("asks for the visible rooms, then lists every room in widening windows", async () => {
    const { rooms, sync } = start();
    expect([...sync.lists.keys()]).toEqual([VISIBLE_LIST]);
    expect(sync.lists.get(VISIBLE_LIST)?.ranges).toEqual([[0, VISIBLE_ROOMS - 1]]);
    const done = vi.fn();
    void rooms.listComplete.then(done);

    sync.joinedCount = 3 * FIRST_WINDOW + 10;
    sync.complete();
    // The rest of the list carries the latest event only; the visible rooms a few.
    expect(sync.added).toEqual([{ key: ALL_LIST, timeline_limit: 1 }]);
    expect(sync.lists.get(VISIBLE_LIST)?.timeline_limit).toBeGreaterThan(1);
    expect(sync.ranges.at(-1)).toEqual([[0, FIRST_WINDOW - 1]]);
    // Synapse holds a request with a position until news arrives: a wider window must not wait.
    expect(sync.timeoutMS).toBe(0);
    sync.complete();
    expect(sync.ranges.at(-1)).toEqual([[0, 2 * FIRST_WINDOW - 1]]);
    sync.complete();
    expect(sync.ranges.at(-1)).toEqual([[0, 3 * FIRST_WINDOW + 9]]);
    await Promise.resolve();
    expect(done).not.toHaveBeenCalled();

    sync.complete();
    await rooms.listComplete;
    expect(sync.ranges).toHaveLength(3);
    expect(sync.timeoutMS).toBe(30_000);
  });

  it("goes back to the long poll when an answer-at-once request does not come back", () => {
    vi.useFakeTimers();
    try {
      const { rooms, sync } = start();
      rooms.view("!a:hs");
      expect(sync.timeoutMS).toBe(0);
      vi.advanceTimersByTime(8_000);
      expect(sync.timeoutMS).toBe(30_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a list that fits on screen is complete after the first answer", async () => {
    const { rooms, sync } = start();
    sync.joinedCount = VISIBLE_ROOMS;
    sync.complete();
    await rooms.listComplete;
    expect(sync.ranges).toEqual([]);
    expect([...sync.lists.keys()]).toEqual([VISIBLE_LIST]);
  });

  it("subscribes to a room while any view shows it", () => {
    const { rooms, sync } = start();
    const first = rooms.view("!a:hs");
    expect(sync.timeoutMS).toBe(0);
    sync.complete();
    expect(sync.timeoutMS).toBe(30_000);
    const second = rooms.view("!a:hs");
    const other = rooms.view("!b:hs");
    expect(sync.subscriptions).toEqual(new Set(["!a:hs", "!b:hs"]));

    first();
    first();
    expect(sync.subscriptions).toEqual(new Set(["!a:hs", "!b:hs"]));
    second();
    other();
    expect(sync.subscriptions).toEqual(new Set());
    // Each change went to the server once, and nothing when nothing changed.
    expect(sync.subscriptionChanges).toEqual([["!a:hs"], ["!a:hs", "!b:hs"], ["!b:hs"], []]);
  });
});

describe("offersSlidingSync", () => {
  const answer = (status: number, body: unknown) =>
    vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json(body, { status }),
    );

  it("is true when the endpoint answers, and asks for nothing with no wait", async () => {
    const fetchImpl = answer(200, { pos: "0", lists: {}, rooms: {}, extensions: {} });
    await expect(offersSlidingSync(fetchImpl, "https://hs.example", "tok")).resolves.toBe(true);
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(String(url)).toBe(`https://hs.example${SLIDING_SYNC_PATH}?timeout=0`);
    expect(init?.method).toBe("POST");
    expect(JSON.parse(String(init?.body))).toEqual({ lists: {} });
  });

  it("is false on a homeserver without it, or when there is no answer", async () => {
    const missing = answer(404, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    await expect(offersSlidingSync(missing, "https://hs.example", "tok")).resolves.toBe(false);
    const broken = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(offersSlidingSync(broken, "https://hs.example", "tok")).resolves.toBe(false);
  });
});
