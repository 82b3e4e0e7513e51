import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { FakeMatrixEvent } from "../../test/fakeMatrixRoom";
import { FakeRoom } from "../../test/fakeMatrixSdk";
import { FakeSendingClient } from "../../test/fakeSendingClient";
import { buildCorrectionContent } from "../corrections";
import { MatrixExchangePort } from "./matrixRoomPort";

const ANA = "@ana:example.org";
const BOB = "@bob:example.org";
const BOT = "@xstream:example.org";
const ROOM_ID = "!partners:example.org";
const TIMER = "org.xstream.practice_timer";

function setup() {
  const client = new FakeSendingClient(ANA);
  const room = new FakeRoom(ROOM_ID, { myUserId: ANA, creator: BOT });
  room.setMember(BOT, "Xstream", "join");
  room.setMember(ANA, "Ana Lima", "join");
  room.setMember(BOB, "Bob Silva", "join");
  client.rooms.set(ROOM_ID, room);
  const port = new MatrixExchangePort(client as unknown as MatrixClient, ROOM_ID);
  return { client, room, port };
}

function timerEvent(content: Record<string, unknown>, ts: number) {
  return new FakeMatrixEvent({
    type: TIMER,
    sender: BOB,
    stateKey: "",
    content,
    roomId: ROOM_ID,
    ts,
  });
}

describe("MatrixExchangePort", () => {
  it("grants everything and names the partner beside the bot", () => {
    const { port } = setup();
    expect(port.granted()).toBe(true);
    expect(port.viewerId).toBe(ANA);
    expect(port.partnerId()).toBe(BOB);
  });

  it("passes on sent text messages and corrections, not notices, edits, echoes or deletions", () => {
    const { room, port } = setup();
    room.message(BOT, "Welcome", { msgtype: "m.notice" });
    const original = room.message(BOB, "Eu tem um gato", { ts: 1_000 });
    room.edit(BOB, original.getId() ?? "", "Eu tem dois gatos");
    room.message(ANA, "sending", { status: "sending", id: undefined, txnId: "t1" });
    room.message(BOB, "gone", { redacted: true });
    room.event(ANA, "m.room.message", {
      ...buildCorrectionContent({
        eventId: original.getId() ?? "",
        original: "Eu tem um gato",
        corrected: "Eu tenho um gato",
      }),
    });
    // Hostile: a correction whose payload is not text is just a message.
    room.event(BOB, "m.room.message", {
      msgtype: "m.text",
      body: "forged",
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: original.getId() },
      "org.xstream.correction": { original: 1, corrected: { $: 2 } },
    });
    expect(port.events()).toEqual([
      { eventId: original.getId(), senderId: BOB, ts: 1_000, body: "Eu tem um gato" },
      expect.objectContaining({
        senderId: ANA,
        correction: {
          targetEventId: original.getId(),
          original: "Eu tem um gato",
          corrected: "Eu tenho um gato",
        },
      }),
      expect.objectContaining({ senderId: BOB, body: "forged" }),
    ]);
    expect(port.events()[2]).not.toHaveProperty("correction");
  });

  it("reads the timer from the room state or, when newer, the timeline, and refuses a malformed one", () => {
    const { room, port } = setup();
    expect(port.timer()).toBeNull();
    const first = { languages: ["es", "pt"], minutes: 5, started_at: 1_000 };
    room.state.set(`${TIMER}|`, timerEvent(first, 1_000));
    expect(port.timer()).toEqual(first);
    // A change that came as a timeline event only (as sliding sync delivers it).
    const second = { languages: ["pt", "es"], minutes: 3, started_at: 2_000 };
    room.events.push(timerEvent(second, 2_000));
    expect(port.timer()).toEqual(second);
    room.events.push(timerEvent({}, 3_000));
    expect(port.timer()).toBeNull();
    room.events.push(
      timerEvent({ languages: ["x".repeat(1000), "es"], minutes: 1, started_at: 1 }, 4_000),
    );
    expect(port.timer()).toBeNull();
  });

  it("tells of changes in its room only, and stops", () => {
    const { client, room, port } = setup();
    const onChange = vi.fn();
    const stop = port.subscribe(onChange);
    client.emit("RoomState.events", timerEvent({}, 1), { roomId: ROOM_ID }, null);
    client.emit("Room.timeline", {}, room, false, false, { liveEvent: true });
    client.emit("Room.timeline", {}, { roomId: "!other:example.org" }, false, false, {});
    expect(onChange).toHaveBeenCalledTimes(2);
    stop();
    expect(client.listenerCount()).toBe(0);
  });

  it("sends corrections as messages, the timer as state, and gets an OpenID token", async () => {
    const { client, port } = setup();
    const sendStateEvent = vi.fn(async () => ({ event_id: "$s" }));
    const getOpenIdToken = vi.fn(async () => ({
      access_token: "t",
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 60,
    }));
    Object.assign(client, { sendStateEvent, getOpenIdToken });
    const content = buildCorrectionContent({ eventId: "$e", original: "a", corrected: "b" });
    await port.sendCorrection(content);
    expect(client.sendMessage).toHaveBeenCalledWith(ROOM_ID, content);
    await port.setTimer({ languages: ["es", "pt"], minutes: 2, started_at: 5 });
    await port.setTimer(null);
    expect(sendStateEvent.mock.calls).toEqual([
      [ROOM_ID, TIMER, { languages: ["es", "pt"], minutes: 2, started_at: 5 }, ""],
      [ROOM_ID, TIMER, {}, ""],
    ]);
    await expect(port.openIdToken()).resolves.toEqual({
      access_token: "t",
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 60,
    });
  });
});
