import { describe, expect, it, vi } from "vitest";
import { forRoom, LiveSubscribers, listenTo } from "./liveSubscribers";

describe("LiveSubscribers", () => {
  it("listens from the first subscriber to the last, and notifies every one", () => {
    const stop = vi.fn();
    const start = vi.fn(() => stop);
    const subscribers = new LiveSubscribers(start);
    const first = vi.fn();
    const second = vi.fn();

    const leaveFirst = subscribers.subscribe(first);
    const leaveSecond = subscribers.subscribe(second);
    expect(start).toHaveBeenCalledTimes(1);
    subscribers.notify();
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);

    leaveFirst();
    expect(stop).not.toHaveBeenCalled();
    leaveSecond();
    expect(stop).toHaveBeenCalledTimes(1);
    subscribers.notify();
    expect(first).toHaveBeenCalledTimes(1);

    subscribers.subscribe(first);
    expect(start).toHaveBeenCalledTimes(2);
  });
});

describe("listenTo", () => {
  it("attaches each listener and detaches the same ones", () => {
    const emitter = { on: vi.fn(), off: vi.fn() };
    const onA = () => {};
    const onB = () => {};
    const stop = listenTo(emitter, [
      ["a", onA],
      ["b", onB],
    ]);
    expect(emitter.on.mock.calls).toEqual([
      ["a", onA],
      ["b", onB],
    ]);
    stop();
    expect(emitter.off.mock.calls).toEqual(emitter.on.mock.calls);
  });
});

describe("forRoom", () => {
  it("runs the update only for events about its room, whatever their shape", () => {
    let updates = 0;
    const on = forRoom("!a:x", () => updates++);
    on.room({ roomId: "!a:x" });
    on.room({ roomId: "!b:x" });
    on.room(undefined);
    on.roomEvent({}, { roomId: "!a:x" });
    on.roomEvent({}, undefined);
    on.member({}, { roomId: "!a:x" });
    on.member({}, { roomId: "!b:x" });
    on.state({}, { roomId: "!a:x" });
    on.event({ getRoomId: () => "!a:x" });
    on.event({ getRoomId: () => undefined });
    expect(updates).toBe(5);
  });
});
