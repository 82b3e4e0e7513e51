import { practiceTimerContentSchema } from "@xstream/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRemaining, readPracticeTimer, ServerClock, timerPhase } from "./practiceTimer";

const START = Date.UTC(2026, 11, 6, 10, 0, 0);
const timer = { languages: ["es", "en"] as [string, string], minutes: 5, started_at: START };

describe("timerPhase", () => {
  it("alternates the languages every N minutes from started_at", () => {
    expect(timerPhase(timer, START)).toEqual({
      index: 0,
      language: "es",
      turn: 1,
      remainingMs: 300_000,
    });
    expect(timerPhase(timer, START + 299_999)).toMatchObject({ language: "es", remainingMs: 1 });
    expect(timerPhase(timer, START + 300_000)).toMatchObject({
      language: "en",
      turn: 2,
      remainingMs: 300_000,
    });
    expect(timerPhase(timer, START + 600_000 + 61_000)).toMatchObject({
      language: "es",
      turn: 3,
      remainingMs: 239_000,
    });
  });

  it("counts a start in the future as just started", () => {
    expect(timerPhase(timer, START - 45_000)).toEqual({
      index: 0,
      language: "es",
      turn: 1,
      remainingMs: 300_000,
    });
  });

  it("never leaves a turn's bounds, whatever the instant", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: -1e12, max: 1e12 }),
        (minutes, offset) => {
          const phase = timerPhase({ ...timer, minutes }, START + offset);
          expect(phase.remainingMs).toBeGreaterThan(0);
          expect(phase.remainingMs).toBeLessThanOrEqual(minutes * 60_000);
          expect(phase.turn).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });
});

describe("formatRemaining", () => {
  it("shows minutes and seconds, rounded up", () => {
    expect(formatRemaining(252_000)).toBe("4:12");
    expect(formatRemaining(251_001)).toBe("4:12");
    expect(formatRemaining(1)).toBe("0:01");
    expect(formatRemaining(7_200_000)).toBe("120:00");
  });
});

describe("readPracticeTimer", () => {
  it("reads a running timer and refuses a stopped or malformed one", () => {
    expect(readPracticeTimer(timer)).toEqual(timer);
    expect(readPracticeTimer({})).toBeNull();
    expect(readPracticeTimer(null)).toBeNull();
    expect(readPracticeTimer({ ...timer, minutes: 0 })).toBeNull();
    expect(readPracticeTimer({ ...timer, languages: ["es"] })).toBeNull();
    expect(readPracticeTimer({ ...timer, languages: ["es", "x".repeat(36)] })).toBeNull();
    expect(readPracticeTimer({ ...timer, started_at: "yesterday" })).toBeNull();
  });

  it("agrees with the contract's schema on anything a client could put in the room", () => {
    const nearly = fc.record(
      {
        languages: fc.oneof(
          fc.tuple(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 })),
          fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
          fc.anything(),
        ),
        minutes: fc.oneof(fc.integer({ min: -5, max: 130 }), fc.double(), fc.anything()),
        started_at: fc.oneof(fc.integer({ min: -10, max: 2 ** 40 }), fc.double(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(nearly, fc.anything()), (content) => {
        const schema = practiceTimerContentSchema.safeParse(content);
        const ours = readPracticeTimer(content);
        expect(ours !== null).toBe(schema.success);
        if (schema.success) expect(ours).toEqual(schema.data);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("ServerClock", () => {
  it("takes the largest sample as the offset and ignores absurd stamps", () => {
    let local = 1_000_000;
    const clock = new ServerClock(() => local);
    expect(clock.now()).toBe(1_000_000);
    clock.observe(1_000_000 + 5_000 - 300); // 300 ms on the way
    clock.observe(1_000_000 + 5_000 - 40); // 40 ms: closer to the truth
    clock.observe(1_000_000 + 5_000 - 900);
    expect(clock.offset).toBe(4_960);
    clock.observe(local + 400 * 86_400_000);
    expect(clock.offset).toBe(4_960);
    local += 10_000;
    expect(clock.now()).toBe(1_014_960);
  });
});
