import { describe, expect, it } from "vitest";
import { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";
import { createInMemoryTransactionStore } from "../store/memory/inMemoryTransactionStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createInbox, createTransactionReceiver } from "./appserviceTransactions.js";

const message = (id: string, body: string): ClientEvent => ({
  type: "m.room.message",
  room_id: "!dm:localhost",
  sender: "@ana:localhost",
  event_id: id,
  content: { msgtype: "m.text", body },
  origin_server_ts: 1_000,
});

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("appservice transactions across a crash", () => {
  it("keeps the events listeners must handle until they are done with them", async () => {
    const { logger } = createCapturedLogger();
    const store = createInMemoryTransactionStore();
    const events = new AppserviceEvents(() => {});
    const handling = deferred();
    events.on("event", () => handling.promise);
    const receive = createTransactionReceiver({
      store,
      events,
      logger,
      mustHandle: (event) => event.content.body !== "chatter",
    });

    await receive("t1", {
      events: [message("$cmd", "help"), message("$chat", "chatter")],
      ephemeral: [],
    });
    expect((await store.unhandled()).map((event) => event.event_id)).toEqual(["$cmd"]);

    handling.resolve();
    await settle();
    expect(await store.unhandled()).toEqual([]);
  });

  it("hands what an earlier run left unhandled to the listeners again, oldest first, once", async () => {
    const { logger } = createCapturedLogger();
    const store = createInMemoryTransactionStore();
    // The first run accepts the transaction and dies before its listener finishes.
    const crashed = new AppserviceEvents(() => {});
    crashed.on("event", () => new Promise<void>(() => {}));
    const receive = createTransactionReceiver({
      store,
      events: crashed,
      logger,
      mustHandle: () => true,
    });
    const transaction = {
      events: [message("$1", "native es"), message("$2", "learn en B1")],
      ephemeral: [],
    };
    await receive("t1", transaction);

    // Its database connection went with it, and so did its hold on the room.
    store.releaseHolds();
    const restarted = new AppserviceEvents(() => {});
    const seen: string[] = [];
    restarted.on("event", async (event) => {
      seen.push(event.event_id);
    });
    expect(await createInbox({ store, events: restarted, logger }).sweep()).toBe(2);
    await settle();
    expect(seen).toEqual(["$1", "$2"]);
    expect(await store.unhandled()).toEqual([]);

    // The homeserver's retry of the acknowledged transaction does nothing twice.
    const again = createTransactionReceiver({
      store,
      events: restarted,
      logger,
      mustHandle: () => true,
    });
    expect(await again("t1", transaction)).toBe("duplicate");
    expect(await createInbox({ store, events: restarted, logger }).sweep()).toBe(0);
    expect(seen).toEqual(["$1", "$2"]);
  });
});
