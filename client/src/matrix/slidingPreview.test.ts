import { describe, expect, it, vi } from "vitest";
import {
  MAX_PREVIEW_BYTES,
  PREVIEW_CONN_ID,
  PREVIEW_LIST,
  PREVIEW_ROOMS,
  parseListPreview,
  requestListPreview,
} from "./slidingPreview";
import { SLIDING_SYNC_PATH, VISIBLE_ROOMS } from "./slidingSync";

const ME = "@ana:example.org";
const BOB = "@bob:example.org";

const member = (userId: string, displayname: string, extra: Record<string, unknown> = {}) => ({
  type: "m.room.member",
  state_key: userId,
  sender: userId,
  content: { membership: "join", displayname },
  ...extra,
});

/** An answer as Synapse shapes it: the window's order in `ops`, the rooms by id. */
function answer(rooms: Record<string, unknown>, order = Object.keys(rooms), count = order.length) {
  return {
    pos: "1",
    lists: {
      [PREVIEW_LIST]: { count, ops: [{ op: "SYNC", range: [0, order.length], room_ids: order }] },
    },
    rooms,
  };
}

const parse = (body: unknown) => parseListPreview(JSON.stringify(body), ME);

describe("parseListPreview", () => {
  it("reads rooms in the window's order with their state and timeline", () => {
    const preview = parse(
      answer(
        {
          "!bob:example.org": {
            is_dm: true,
            joined_count: 2,
            required_state: [
              { type: "m.room.create", state_key: "", sender: BOB, content: {} },
              member(ME, "Ana", {
                sender: ME,
                unsigned: { prev_content: { membership: "invite", is_direct: true } },
              }),
              member(BOB, "Bob Silva", {
                content: { membership: "join", displayname: "Bob Silva", avatar_url: "mxc://x/b" },
              }),
            ],
            timeline: [
              {
                type: "m.room.message",
                sender: BOB,
                origin_server_ts: 1000,
                content: { msgtype: "m.text", body: "Hola" },
              },
            ],
            notification_count: 2,
            highlight_count: 1,
          },
          "!book:example.org": { name: "Book club", avatar: "mxc://x/book", required_state: [] },
        },
        ["!book:example.org", "!bob:example.org"],
        7,
      ),
    );

    expect(preview?.count).toBe(7);
    expect(preview?.rooms.map((room) => room.roomId)).toEqual([
      "!book:example.org",
      "!bob:example.org",
    ]);
    const [book, bob] = preview?.rooms ?? [];
    expect(book).toMatchObject({ name: "Book club", avatarUrl: "mxc://x/book", isDm: false });
    expect(bob).toMatchObject({
      membership: "join",
      isDm: true,
      creator: BOB,
      joinedCount: 2,
      notificationCount: 2,
      highlightCount: 1,
      timeline: [{ type: "m.room.message", sender: BOB, ts: 1000, body: "Hola", edit: false }],
    });
    expect(bob?.members).toEqual([
      expect.objectContaining({ userId: ME, directInvite: true }),
      expect.objectContaining({ userId: BOB, displayName: "Bob Silva", avatarUrl: "mxc://x/b" }),
    ]);
  });

  it("reads an invite from its stripped state", () => {
    const preview = parse(
      answer({
        "!invite:example.org": {
          stripped_state: [
            { type: "m.room.name", state_key: "", sender: BOB, content: { name: "Grammar" } },
            {
              type: "m.room.member",
              state_key: ME,
              sender: BOB,
              content: { membership: "invite", is_direct: false },
            },
          ],
        },
      }),
    );
    expect(preview?.rooms[0]).toMatchObject({ membership: "invite", name: "Grammar" });
    expect(preview?.rooms[0]?.members[0]).toMatchObject({ userId: ME, sender: BOB });
  });

  it("orders by bump stamp when the server sends no window operations", () => {
    const preview = parse({
      lists: { [PREVIEW_LIST]: { count: 2 } },
      rooms: { "!a:x": { bump_stamp: 1 }, "!b:x": { bump_stamp: 5 } },
    });
    expect(preview?.rooms.map((room) => room.roomId)).toEqual(["!b:x", "!a:x"]);
  });

  it.each([
    ["not JSON", "{"],
    ["null", "null"],
    ["an array", "[]"],
    ["no lists", JSON.stringify({ rooms: {} })],
    ["a list without a count", JSON.stringify({ lists: { [PREVIEW_LIST]: { ops: [] } } })],
    ["a negative count", JSON.stringify({ lists: { [PREVIEW_LIST]: { count: -1 } } })],
  ])("gives no preview for %s", (_what, text) => {
    expect(parseListPreview(text, ME)).toBeNull();
  });

  it("skips junk inside a well-formed answer instead of throwing", () => {
    const rooms: Record<string, unknown> = {
      "!ok:x": {
        name: 42,
        avatar: "https://tracker.example/pixel.png",
        heroes: [null, { user_id: "not-a-user" }, { user_id: BOB, displayname: ["x"] }],
        required_state: [
          null,
          "m.room.name",
          { type: "m.room.member", state_key: "bob", sender: BOB, content: {} },
          { type: "m.room.member", state_key: BOB, content: { membership: "join" } },
          { type: "m.room.name", state_key: "", sender: BOB, content: { name: "  " } },
        ],
        timeline: [
          { type: "m.room.message", sender: BOB, origin_server_ts: "yesterday" },
          { type: "m.room.message", sender: BOB, origin_server_ts: 5, content: "text" },
          { type: 7, sender: BOB, origin_server_ts: 5, content: {} },
        ],
        notification_count: "many",
        joined_count: 1.5,
      },
      "!list:x": [],
      "!str:x": "room",
    };
    // An own key named __proto__, as JSON.parse makes one.
    Object.defineProperty(rooms, "__proto__", { value: { name: "polluted" }, enumerable: true });
    const order = ["!ok:x", "!list:x", "!str:x", "__proto__", "!missing:x", 12, "!ok:x"];
    const preview = parse(answer(rooms, order as string[]));
    expect(preview?.rooms).toHaveLength(1);
    expect(preview?.rooms[0]).toMatchObject({
      roomId: "!ok:x",
      name: null,
      avatarUrl: null,
      heroes: [{ userId: BOB, displayName: null }],
      members: [],
      notificationCount: 0,
      joinedCount: null,
    });
    // The one event with a timestamp is kept; its content (not an object) reads as empty.
    expect(preview?.rooms[0]?.timeline).toEqual([
      expect.objectContaining({ ts: 5, body: null, msgtype: null }),
    ]);
    expect(({} as Record<string, unknown>).name).toBeUndefined();
  });

  it("bounds what it keeps of an answer as big as it may be, quickly", () => {
    const roomIds = Array.from({ length: 5_000 }, (_, index) => `!room${index}:x`);
    const long = "é".repeat(20_000);
    const rooms = Object.fromEntries(
      roomIds.slice(0, 60).map((roomId, room) => [
        roomId,
        {
          name: long,
          // Two rooms with thousands of members; the rest with a long name each.
          required_state: Array.from({ length: room < 2 ? 2_500 : 1 }, (_, index) =>
            member(`@u${index}:x`, "A"),
          ),
          timeline: [{ type: "m.room.message", sender: BOB, origin_server_ts: 1, content: {} }],
        },
      ]),
    );
    const text = JSON.stringify(answer(rooms, roomIds));
    expect(text.length).toBeLessThan(MAX_PREVIEW_BYTES);
    const started = performance.now();
    const preview = parseListPreview(text, ME);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(preview?.rooms).toHaveLength(50);
    expect(preview?.rooms[0]?.name).toHaveLength(1_000);
    expect(preview?.rooms[0]?.members).toHaveLength(2_000);
  });
});

describe("requestListPreview", () => {
  const BASE = "https://matrix.example.org";
  /** Both of the request's answers, once settled. */
  const settled = async (...args: Parameters<typeof requestListPreview>) => {
    const request = requestListPreview(...args);
    return { offered: await request.offered, preview: await request.preview };
  };

  it("asks once, on its own connection, for the SDK's first window", async () => {
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
      Response.json(answer({ "!a:x": { name: "A" } })),
    );
    const result = await settled(fetchImpl, BASE, "syt_token", ME);

    expect(result.offered).toBe(true);
    expect(result.preview?.rooms.map((room) => room.name)).toEqual(["A"]);
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(String(url)).toBe(`${BASE}${SLIDING_SYNC_PATH}?timeout=0`);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer syt_token");
    const body = JSON.parse(String(init?.body));
    expect(body.conn_id).toBe(PREVIEW_CONN_ID);
    expect(body.extensions).toBeUndefined();
    // The start of the SDK's first window, with what that window asks for each room.
    expect(PREVIEW_ROOMS).toBeLessThanOrEqual(VISIBLE_ROOMS);
    expect(body.lists[PREVIEW_LIST].ranges).toEqual([[0, PREVIEW_ROOMS - 1]]);
    expect(body.lists[PREVIEW_LIST].timeline_limit).toBe(5);
  });

  it("says sliding sync is not offered for a 404, and cannot tell after a network failure", async () => {
    const notFound = async () =>
      Response.json({ errcode: "M_UNRECOGNIZED", error: "Unrecognized request" }, { status: 404 });
    await expect(settled(notFound, BASE, "t", ME)).resolves.toEqual({
      offered: false,
      preview: null,
    });
    const down = async (): Promise<Response> => {
      throw new TypeError("Failed to fetch");
    };
    await expect(settled(down, BASE, "t", ME)).resolves.toEqual({
      offered: null,
      preview: null,
    });
  });

  it("says whether sliding sync is offered before the answer's body has come", async () => {
    let finish = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"pos":"1",'));
        finish = () => {
          controller.enqueue(new TextEncoder().encode(JSON.stringify({ lists: {} }).slice(1)));
          controller.close();
        };
      },
    });
    const request = requestListPreview(async () => new Response(body), BASE, "t", ME);
    await expect(request.offered).resolves.toBe(true);
    let read = false;
    void request.preview.then(() => {
      read = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(read).toBe(false);
    finish();
    // The finished answer has no preview list: nothing to show, but it came.
    await expect(request.preview).resolves.toBeNull();
  });

  it("offers sliding sync but shows nothing for junk or an oversized answer", async () => {
    const junk = async () => new Response("<html>", { status: 200 });
    await expect(settled(junk, BASE, "t", ME)).resolves.toEqual({
      offered: true,
      preview: null,
    });
    // Streamed without a length: reading stops past the bound.
    let sent = 0;
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const oversized = async () => new Response(endless, { status: 200 });
    await expect(settled(oversized, BASE, "t", ME)).resolves.toEqual({
      offered: true,
      preview: null,
    });
    expect(sent).toBeLessThan(MAX_PREVIEW_BYTES + 4 * chunk.byteLength);
  });
});
