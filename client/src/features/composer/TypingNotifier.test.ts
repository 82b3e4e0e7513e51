import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingNotifier } from "./TypingNotifier";

describe("TypingNotifier", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("announces typing once per refresh period, not on every keystroke", () => {
    const notify = vi.fn();
    const typing = new TypingNotifier(notify);

    for (const text of ["h", "ho", "hol", "hola"]) {
      typing.typed(text);
      vi.advanceTimersByTime(1_000);
    }
    expect(notify.mock.calls).toEqual([[true]]);

    for (let i = 0; i < 20; i++) {
      typing.typed(`hola ${i}`);
      vi.advanceTimersByTime(1_000);
    }
    expect(notify.mock.calls).toEqual([[true], [true]]);
    expect(TYPING_REFRESH_MS).toBeLessThan(30_000);
  });

  it("says typing stopped when emptied, stopped, or quiet for a while, once each time", () => {
    const notify = vi.fn();
    const typing = new TypingNotifier(notify);

    typing.typed("a");
    typing.typed("");
    typing.typed("");
    expect(notify.mock.calls).toEqual([[true], [false]]);

    typing.typed("b");
    typing.stop();
    typing.stop();
    expect(notify.mock.calls).toEqual([[true], [false], [true], [false]]);

    typing.typed("c");
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    expect(notify.mock.calls.at(-1)).toEqual([false]);
    expect(notify).toHaveBeenCalledTimes(6);
  });

  it("never says stopped without having said typing", () => {
    const notify = vi.fn();
    new TypingNotifier(notify).stop();
    new TypingNotifier(notify).typed("   ");
    expect(notify).not.toHaveBeenCalled();
  });

  it("says stopped only after the sent message has left, and not if typing resumed", async () => {
    const notify = vi.fn();
    const typing = new TypingNotifier(notify);
    typing.typed("hola");
    let sent = () => {};
    typing.stopAfter(new Promise<void>((resolve) => (sent = resolve)));
    vi.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(notify.mock.calls).toEqual([[true]]);
    sent();
    await vi.advanceTimersByTimeAsync(0);
    expect(notify.mock.calls).toEqual([[true], [false]]);

    // A failed send ends typing too; typing the next message before it settles keeps it on.
    typing.typed("next");
    let failed = (_: Error) => {};
    typing.stopAfter(new Promise<void>((_, reject) => (failed = reject)));
    typing.typed("and more");
    failed(new Error("offline"));
    await vi.advanceTimersByTimeAsync(0);
    expect(notify.mock.calls).toEqual([[true], [false], [true], [true]]);
  });
});
