import { afterEach, describe, expect, it, vi } from "vitest";
import { repeatEvery } from "./repeatEvery.js";

describe("repeatEvery", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs at once and on each tick, skipping ticks while a run is still going", async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release: () => void = () => {};
    const stop = repeatEvery(
      1_000,
      () => {
        runs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      () => {},
    );
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    stop();
    release();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(2);
  });

  it("hands a failure to onError and tries again at the next tick", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const stop = repeatEvery(
      1_000,
      async () => {
        runs++;
        throw new Error(`run ${runs}`);
      },
      (error) => errors.push(error),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    stop();
    expect(runs).toBe(2);
    expect(errors.map((error) => (error as Error).message)).toEqual(["run 1", "run 2"]);
  });
});
