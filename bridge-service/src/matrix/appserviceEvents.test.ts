import { describe, expect, it } from "vitest";
import { AppserviceEvents } from "./appserviceEvents.js";
import type { ClientEvent } from "./events.js";

const event: ClientEvent = {
  type: "m.room.message",
  room_id: "!r:x",
  sender: "@a:x",
  event_id: "$e",
  content: {},
};

describe("AppserviceEvents", () => {
  it("isolates failing listeners and reports them", async () => {
    const failures: unknown[] = [];
    const bus = new AppserviceEvents((error) => failures.push(error));
    const seen: string[] = [];
    bus.on("event", () => {
      throw new Error("sync");
    });
    bus.on("event", async () => {
      throw new Error("async");
    });
    bus.on("event", (e) => {
      seen.push(e.event_id);
    });
    bus.emit("event", event);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["$e"]);
    expect(failures.map((f) => (f as Error).message).sort()).toEqual(["async", "sync"]);
  });

  it("stops delivering after unsubscribing", () => {
    const bus = new AppserviceEvents(() => {});
    const seen: string[] = [];
    const off = bus.on("event", (e) => {
      seen.push(e.event_id);
    });
    bus.emit("event", event);
    off();
    bus.emit("event", event);
    expect(seen).toEqual(["$e"]);
  });
});
