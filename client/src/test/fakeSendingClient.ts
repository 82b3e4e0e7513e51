import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { vi } from "vitest";
import { type FakeMatrixEvent, FakeRoom } from "./fakeMatrixRoom";
import { FakeMatrixClient } from "./fakeMatrixSdk";

/**
 * A fake client that sends the way matrix-js-sdk does: a local echo in the room at once, then
 * either the server's event id or, when the network is down or a send is set to fail, status
 * NOT_SENT (kept in the room) and a rejected promise. Records sends, resends and typing.
 */
export class FakeSendingClient extends FakeMatrixClient {
  /** While true every send fails like a dropped connection. */
  offline = false;
  syncState: string | null = "SYNCING";
  /** Errors the next sends fail with, first in first out (e.g. a 429). */
  readonly failures: Error[] = [];
  /** Content of every event the server accepted, in order. */
  readonly delivered: Record<string, unknown>[] = [];
  #txn = 0;
  #sent = 0;

  constructor(userId = "@ana:example.org") {
    super({ baseUrl: "http://localhost:3000", userId }, false);
  }

  asClient(): MatrixClient {
    return this as unknown as MatrixClient;
  }

  override getRooms() {
    return [...this.rooms.values()];
  }

  override getSyncState() {
    return this.syncState;
  }

  /** The SDK's sync state moving on, as it emits it. */
  setSyncState(state: string) {
    const previous = this.syncState;
    this.syncState = state;
    this.emit("sync", state, previous);
  }

  makeTxnId() {
    this.#txn += 1;
    return `txn${this.#txn}`;
  }

  retryImmediately = vi.fn(() => true);

  sendTyping = vi.fn(async (_roomId: string, _typing: boolean, _timeout: number) => ({}));

  sendMessage = vi.fn(async (roomId: string, content: Record<string, unknown>, txnId?: string) => {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error("Unknown room");
    const echo = room.message(this.getUserId() ?? "", String(content.body), {
      id: undefined,
      txnId: txnId ?? this.makeTxnId(),
      status: "sending",
      content,
      ts: Date.now(),
    });
    Object.assign(echo, { getRoomId: () => roomId, error: null });
    if (room.pending) {
      // "detached": the echo waits in the pending list, not in the timeline.
      room.events.splice(room.events.indexOf(echo), 1);
      room.pending.push(echo);
      this.emit("Room.localEchoUpdated", echo, room);
    } else {
      this.emit("Room.timeline", echo, room, false, false, { liveEvent: true });
    }
    return this.#deliver(echo, room);
  });

  resendEvent = vi.fn(async (event: MatrixEvent, room: FakeRoom) => {
    const echo = event as unknown as FakeMatrixEvent;
    echo.status = "sending";
    this.emit("Room.localEchoUpdated", echo, room);
    return this.#deliver(echo, room);
  });

  cancelPendingEvent = vi.fn((event: MatrixEvent) => {
    const echo = event as unknown as FakeMatrixEvent;
    if (echo.status !== "not_sent")
      throw new Error(`cannot cancel an event with status ${echo.status}`);
    echo.status = "cancelled";
    for (const room of this.rooms.values()) {
      for (const list of [room.events, room.pending ?? []]) {
        const index = list.indexOf(echo);
        if (index >= 0) {
          list.splice(index, 1);
          this.emit("Room.localEchoUpdated", echo, room);
        }
      }
    }
  });

  /** The echoes of our own messages in a room, oldest first (sent ones, then pending ones). */
  echoes(roomId: string): FakeMatrixEvent[] {
    const room = this.rooms.get(roomId);
    return [...(room?.events ?? []), ...(room?.pending ?? [])].filter((event) => event.getTxnId());
  }

  async #deliver(echo: FakeMatrixEvent, room: FakeRoom) {
    // The request is in flight.
    await Promise.resolve();
    const failure = this.offline ? new Error("Network request failed") : this.failures.shift();
    if (failure) {
      echo.status = "not_sent";
      Object.assign(echo, { error: failure });
      this.emit("Room.localEchoUpdated", echo, room);
      throw failure;
    }
    this.#sent += 1;
    echo.fields.id = `$delivered${this.#sent}`;
    echo.status = null;
    // The remote echo takes it out of the pending list and into the timeline.
    const waiting = room.pending?.indexOf(echo) ?? -1;
    if (waiting >= 0) {
      room.pending?.splice(waiting, 1);
      room.events.push(echo);
    }
    this.delivered.push(echo.getContent());
    this.emit("Room.localEchoUpdated", echo, room);
    return { event_id: echo.fields.id };
  }
}

/** A joined two-person room (Ana and Bob) held by a fresh sending client signed in as Ana. */
export function roomWithBob(roomId = "!room:example.org") {
  const client = new FakeSendingClient();
  const room = new FakeRoom(roomId, { myUserId: "@ana:example.org", creator: "@ana:example.org" });
  room.setMember("@ana:example.org", "Ana Lima", "join");
  room.setMember("@bob:example.org", "Bob Silva", "join");
  room.setMember("@bea:example.org", "Beatriz Souza", "join");
  room.setMember("@carl:example.org", "Carl", "leave");
  client.rooms.set(roomId, room);
  return { client, room, roomId };
}
