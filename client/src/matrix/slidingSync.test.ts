import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import {
  FIRST_WINDOW,
  GROW_BY,
  nextWindow,
  offersSlidingSync,
  ROOM_LIST,
  SLIDING_SYNC_PATH,
  SlidingRoomSync,
  type SlidingSyncModule,
} from "./slidingSync";

type Listener = (state: string, response: unknown) => void;

/** The SDK's SlidingSync as SlidingRoomSync drives it: list windows, subscriptions, lifecycle. */
class FakeSlidingSync {
  static last: FakeSlidingSync | null = null;
  readonly ranges: number[][][] = [];
  joinedCount = 0;
  timeoutMS = 30_000;
  subscriptions = new Set<string>();
  readonly subscriptionChanges: string[][] = [];
  #listener: Listener | null = null;

  constructor(
    _url: string,
    readonly lists: Map<string, { ranges: number[][] }>,
  ) {
    FakeSlidingSync.last = this;
  }
  on(_event: string, listener: Listener) {
    this.#listener = listener;
  }
  getListData(key: string) {
    return key === ROOM_LIST ? { joinedCount: this.joinedCount } : null;
  }
  setListRanges(_key: string, ranges: number[][]) {
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

const client = {
  baseUrl: "https://hs.example",
  on: () => {},
  getRoom: () => null,
} as unknown as MatrixClient;

function start() {
  const rooms = new SlidingRoomSync(module, client);
  const sync = FakeSlidingSync.last as FakeSlidingSync;
  return { rooms, sync };
}

describe("nextWindow", () => {
  it("grows by a batch at a time and stops at the last room", () => {
    expect(nextWindow(FIRST_WINDOW - 1, FIRST_WINDOW)).toBeNull();
    expect(nextWindow(FIRST_WINDOW - 1, 10)).toBeNull();
    expect(nextWindow(FIRST_WINDOW - 1, 200)).toBe(199);
    expect(nextWindow(39, 2000)).toBe(39 + GROW_BY);
    expect(nextWindow(1999, 2000)).toBeNull();
  });
});

describe("SlidingRoomSync", () => {
  it("asks for a first window, then widens it after each answer until every room is listed", async () => {
    const { rooms, sync } = start();
    expect(sync.lists.get(ROOM_LIST)?.ranges).toEqual([[0, FIRST_WINDOW - 1]]);
    const done = vi.fn();
    void rooms.listComplete.then(done);

    sync.joinedCount = FIRST_WINDOW + GROW_BY + 10;
    sync.complete();
    expect(sync.ranges.at(-1)).toEqual([[0, FIRST_WINDOW - 1 + GROW_BY]]);
    // Synapse holds a request with a position until news arrives: a wider window must not wait.
    expect(sync.timeoutMS).toBe(0);
    sync.complete();
    expect(sync.ranges.at(-1)).toEqual([[0, FIRST_WINDOW + GROW_BY + 9]]);
    await Promise.resolve();
    expect(done).not.toHaveBeenCalled();

    sync.complete();
    await rooms.listComplete;
    expect(sync.ranges).toHaveLength(2);
    expect(sync.timeoutMS).toBe(30_000);
  });

  it("a short list is complete after the first answer", async () => {
    const { rooms, sync } = start();
    sync.joinedCount = 3;
    sync.complete();
    await rooms.listComplete;
    expect(sync.ranges).toEqual([]);
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
