import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { FakeRoom, withTimelineApi } from "../../test/fakeMatrixRoom";
import { fakeMatrixClient } from "../../test/fakeMatrixSdk";
import { CHAT_SETTINGS_TYPE } from "../settings";
import { TimelineViewModel } from "./TimelineViewModel";

const ANA = "@ana:example.org";
const BOB = "@bob:example.org";
const ROOM_ID = "!room:example.org";

function setup() {
  const client = withTimelineApi(fakeMatrixClient(ANA));
  const room = new FakeRoom(ROOM_ID, { myUserId: ANA, creator: ANA });
  room.setMember(ANA, "Ana Lima", "join");
  room.setMember(BOB, "Bob Silva", "join");
  client.rooms.set(ROOM_ID, room);
  const model = new TimelineViewModel(client as unknown as MatrixClient, ROOM_ID);
  return { client, room, model };
}

describe("TimelineViewModel read markers", () => {
  it("moves the fully-read marker with a public read receipt by default", async () => {
    const { client, room, model } = setup();
    const latest = room.message(BOB, "¿Qué tal?");

    await model.markRead();

    expect(client.setRoomReadMarkers).toHaveBeenCalledExactlyOnceWith(
      ROOM_ID,
      latest.getId(),
      latest,
      undefined,
    );
  });

  it("sends a private receipt (m.read.private) when the person turned read receipts off", async () => {
    const { client, room, model } = setup();
    await client.setAccountData(CHAT_SETTINGS_TYPE, { send_read_receipts: false });
    const latest = room.message(BOB, "¿Qué tal?");

    await model.markRead();

    expect(client.setRoomReadMarkers).toHaveBeenCalledExactlyOnceWith(
      ROOM_ID,
      latest.getId(),
      undefined,
      latest,
    );
    // Nobody else is told: the public receipt stays where it was.
    expect(room.getEventReadUpTo(ANA)).toBeNull();
  });

  it("follows the setting as it changes, and marks each new event once", async () => {
    const { client, room, model } = setup();
    const first = room.message(BOB, "uno");
    await model.markRead();
    await model.markRead();
    expect(client.setRoomReadMarkers).toHaveBeenCalledTimes(1);

    await client.setAccountData(CHAT_SETTINGS_TYPE, { send_read_receipts: false });
    const second = room.message(BOB, "dos");
    await model.markRead();

    expect(client.setRoomReadMarkers.mock.calls).toEqual([
      [ROOM_ID, first.getId(), first, undefined],
      [ROOM_ID, second.getId(), undefined, second],
    ]);
  });
});

describe("TimelineViewModel local echoes", () => {
  it("shows our messages waiting in the pending list after the timeline's events", () => {
    const { room, model } = setup();
    room.pending = [];
    const fromServer = room.message(BOB, "from the server");
    const echo = room.message(ANA, "still sending", {
      id: undefined,
      txnId: "m1",
      status: "sending",
    });
    room.events.splice(room.events.indexOf(echo), 1);
    room.pending.push(echo);

    const unsubscribe = model.subscribe(() => {});
    const messages = model
      .getSnapshot()
      .items.flatMap((item) => (item.kind === "message" ? [item] : []));
    unsubscribe();

    expect(messages.map((message) => [message.key, message.delivery])).toEqual([
      [fromServer.getId(), "sent"],
      ["m1", "sending"],
    ]);
  });
});

describe("TimelineViewModel decryption", () => {
  it("has the SDK decrypt the encrypted messages it never tried, and shows them once decrypted", async () => {
    const { client, room, model } = setup();
    // As sliding sync leaves a message before our read receipt: encrypted, never tried.
    const earlier = room.message(BOB, "", {
      type: "m.room.encrypted",
      content: { ciphertext: "AwgA…" },
      decryption: "pending",
    });
    const failed = room.message(BOB, "", {
      type: "m.room.encrypted",
      content: { ciphertext: "AwgB…" },
      decryption: "failed",
    });
    const plain = room.message(ANA, "sin cifrar");

    const unsubscribe = model.subscribe(() => {});
    const bodies = () =>
      model.getSnapshot().items.flatMap((item) => (item.kind === "message" ? [item.body] : []));
    expect(bodies()[0]).toEqual({ kind: "decrypting" });
    const asked = client.decryptEventIfNeeded.mock.calls.map(([event]) => event);
    expect(asked).toContain(earlier);
    expect(asked).not.toContain(failed);
    expect(asked).not.toContain(plain);

    // The SDK decrypts it and says so: the row shows the text.
    Object.assign(earlier.fields, {
      type: "m.room.message",
      content: { msgtype: "m.text", body: "Escrito antes" },
      decryption: undefined,
    });
    client.emit("Event.decrypted", earlier);
    await Promise.resolve(); // The SDK's events of one moment are applied together, a microtask later.
    expect(bodies()[0]).toMatchObject({ kind: "text", text: "Escrito antes" });
    unsubscribe();
  });
});

/** A subscriber that counts the notifications after "uno", which subscribing brought in. */
function subscribedAfterOneMessage(room: FakeRoom, model: TimelineViewModel) {
  room.message(BOB, "uno");
  const counter = { notified: 0, unsubscribe: () => {} };
  counter.unsubscribe = model.subscribe(() => {
    counter.notified += 1;
  });
  counter.notified = 0;
  return counter;
}

describe("TimelineViewModel updates", () => {
  it("applies the SDK's events of one moment together, and keeps the rows that did not change", async () => {
    const { client, room, model } = setup();
    const subscriber = subscribedAfterOneMessage(room, model);
    const before = model.getSnapshot().items;

    // As a sync brings them: three messages, one event each, in one go.
    client.receive(room, room.message(BOB, "dos"));
    client.receive(room, room.message(BOB, "tres"));
    client.receive(room, room.message(ANA, "cuatro"));
    expect(subscriber.notified).toBe(0);
    await Promise.resolve();

    expect(subscriber.notified).toBe(1);
    const after = model.getSnapshot().items;
    const texts = after.flatMap((item) =>
      item.kind === "message" && item.body.kind === "text" ? [item.body.text] : [],
    );
    expect(texts).toEqual(["uno", "dos", "tres", "cuatro"]);
    expect(after.slice(0, before.length).every((row, index) => row === before[index])).toBe(true);
    subscriber.unsubscribe();
  });

  it("tells nobody when an event changes nothing shown", async () => {
    const { client, room, model } = setup();
    const subscriber = subscribedAfterOneMessage(room, model);

    client.emit("Room.myMembership", room);
    await Promise.resolve();

    expect(subscriber.notified).toBe(0);
    subscriber.unsubscribe();
  });
});
