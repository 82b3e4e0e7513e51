import { type MatrixClient, MatrixEvent, type Room } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { hostileCorpus } from "../../test/hostileInput";
import { foldText, MessageSearchViewModel, matchesTerm } from "./MessageSearchViewModel";

let counter = 0;

function textEvent(roomId: string, body: unknown, ts: number, extra: Record<string, unknown> = {}) {
  counter++;
  return new MatrixEvent({
    type: "m.room.message",
    room_id: roomId,
    sender: "@ana:example.org",
    event_id: `$e${counter}`,
    origin_server_ts: ts,
    content: { msgtype: "m.text", body, ...extra },
  });
}

function fakeRoom(roomId: string, name: string, encrypted: boolean, events: MatrixEvent[]) {
  return {
    roomId,
    name,
    hasEncryptionStateEvent: () => encrypted,
    getMyMembership: () => "join",
    getMember: () => ({ name: "Ana Lima" }),
    getUnfilteredTimelineSet: () => ({ getTimelines: () => [{ getEvents: () => events }] }),
  } as unknown as Room;
}

function fakeClient(rooms: Room[], search: (body: unknown) => Promise<unknown>) {
  return {
    getRooms: () => rooms,
    getRoom: (id: string) => rooms.find((room) => room.roomId === id) ?? null,
    search: vi.fn(({ body }: { body: unknown }) => search(body)),
  } as unknown as MatrixClient & { search: ReturnType<typeof vi.fn> };
}

const serverHit = (roomId: string, eventId: string, body: unknown, ts: number) => ({
  rank: 1,
  result: {
    room_id: roomId,
    event_id: eventId,
    sender: "@ben:example.org",
    origin_server_ts: ts,
    type: "m.room.message",
    content: { body },
  },
});

describe("matching", () => {
  it("ignores case and accents and wants every word", () => {
    expect(foldText("Café ÉTÉ")).toBe("cafe ete");
    expect(matchesTerm("Meet at the Café tomorrow", ["cafe", "meet"])).toBe(true);
    expect(matchesTerm("Meet at the Café tomorrow", ["cafe", "tonight"])).toBe(false);
  });
});

describe("MessageSearchViewModel", () => {
  it("asks the server about plain rooms and searches encrypted ones here, newest first", async () => {
    const plain = fakeRoom("!plain:x", "Plain", false, []);
    const secret = fakeRoom("!secret:x", "Secret", true, [
      textEvent("!secret:x", "the okapi hides", 3_000),
      textEvent("!secret:x", "nothing to see", 4_000),
      textEvent("!secret:x", "an OKAPI again", 1_000),
    ]);
    const client = fakeClient([plain, secret], async () => ({
      search_categories: {
        room_events: { results: [serverHit("!plain:x", "$s1", "okapi!", 2_000)] },
      },
    }));
    const model = new MessageSearchViewModel(client);
    await model.search("okapi");

    const sent = client.search.mock.calls[0]?.[0].body;
    expect(sent.search_categories.room_events).toMatchObject({
      search_term: "okapi",
      order_by: "recent",
      filter: { limit: 50 },
    });
    expect(sent.search_categories.room_events.filter.rooms).toBeUndefined();
    const snapshot = model.getSnapshot();
    expect(snapshot).toMatchObject({ status: "done", searchedEncrypted: true, error: null });
    expect(snapshot.results.map((hit) => [hit.roomName, hit.body, hit.local])).toEqual([
      ["Secret", "the okapi hides", true],
      ["Plain", "okapi!", false],
      ["Secret", "an OKAPI again", true],
    ]);
  });

  it("searches only the chosen room, without the server when it is encrypted", async () => {
    const plain = fakeRoom("!plain:x", "Plain", false, []);
    const secret = fakeRoom("!secret:x", "Secret", true, [textEvent("!secret:x", "okapi", 1)]);
    const client = fakeClient([plain, secret], async () => ({ search_categories: {} }));
    const model = new MessageSearchViewModel(client);
    await model.search("okapi", "!secret:x");
    expect(client.search).not.toHaveBeenCalled();
    expect(model.getSnapshot().results).toHaveLength(1);

    await model.search("okapi", "!plain:x");
    expect(client.search.mock.calls[0]?.[0].body.search_categories.room_events.filter).toEqual({
      limit: 50,
      rooms: ["!plain:x"],
    });
  });

  it("leaves out edits, non-text bodies and malformed server results", async () => {
    const secret = fakeRoom("!secret:x", "Secret", true, [
      textEvent("!secret:x", "* okapi edited", 5, {
        "m.relates_to": { rel_type: "m.replace", event_id: "$x" },
      }),
      textEvent("!secret:x", { nested: "okapi" }, 6),
    ]);
    const plain = fakeRoom("!plain:x", "Plain", false, []);
    const client = fakeClient([plain, secret], async () => ({
      search_categories: {
        room_events: {
          results: [
            serverHit("!plain:x", "$ok", "okapi", 1),
            serverHit("!plain:x", "$bad", 42, 1),
            { rank: 1, result: null },
            { rank: 1, result: { event_id: 7 } },
          ],
        },
      },
    }));
    const model = new MessageSearchViewModel(client);
    await model.search("okapi");
    expect(model.getSnapshot().results.map((hit) => hit.eventId)).toEqual(["$ok"]);
  });

  it("still shows this browser's results when the server fails, and says so", async () => {
    const plain = fakeRoom("!plain:x", "Plain", false, []);
    const secret = fakeRoom("!secret:x", "Secret", true, [textEvent("!secret:x", "okapi", 1)]);
    const client = fakeClient([plain, secret], async () => {
      throw new Error("M_UNKNOWN");
    });
    const model = new MessageSearchViewModel(client);
    await model.search("okapi");
    expect(model.getSnapshot()).toMatchObject({
      error: "Couldn't search on the server: M_UNKNOWN",
      results: [{ body: "okapi", local: true }],
    });
  });

  it("lets a newer search win over a slower older one", async () => {
    const plain = fakeRoom("!plain:x", "Plain", false, []);
    const answers: ((value: unknown) => void)[] = [];
    const client = fakeClient([plain], () => new Promise((resolve) => answers.push(resolve)));
    const model = new MessageSearchViewModel(client);
    const first = model.search("first");
    const second = model.search("second");
    answers[1]?.({
      search_categories: { room_events: { results: [serverHit("!plain:x", "$2", "second", 1)] } },
    });
    await second;
    answers[0]?.({
      search_categories: { room_events: { results: [serverHit("!plain:x", "$1", "first", 1)] } },
    });
    await first;
    expect(model.getSnapshot().results.map((hit) => hit.body)).toEqual(["second"]);
  });

  it("searches hostile messages quickly and shows them cut", async () => {
    const events = hostileCorpus().map(({ text }, index) =>
      textEvent("!secret:x", `${text} okapi`, index),
    );
    const secret = fakeRoom("!secret:x", "Secret", true, events);
    const model = new MessageSearchViewModel(fakeClient([secret], async () => ({})));
    const started = performance.now();
    await model.search("okapi");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(model.getSnapshot().results.length).toBeGreaterThan(0);
    expect(model.getSnapshot().results.every((hit) => hit.body.length <= 500)).toBe(true);
  });
});
