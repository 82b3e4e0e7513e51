import { describe, expect, it } from "vitest";
import {
  actionTimes,
  broke,
  DEFAULT_LOAD_SETTINGS,
  firstActionAt,
  LoadSettingError,
  parseLoadSettings,
  parseProcStat,
  summarise,
  supervisorRestarts,
  ticksSpent,
  treeTicks,
} from "./loadPlan.ts";

describe("load settings", () => {
  it("default to a run that fits in ten minutes", () => {
    const settings = parseLoadSettings([]);
    expect(settings).toEqual(DEFAULT_LOAD_SETTINGS);
    expect(settings.users).toEqual([100, 300]);
    expect(settings.untilBroken).toBe(false);
  });

  it("read flags, both `--flag value` and `--flag=value`, beside the benchmark's name", () => {
    const settings = parseLoadSettings([
      "load",
      "--users",
      "100,300,1000",
      "--minutes=2",
      "--modes",
      "monolith",
      "--variants=presence",
      "--until-broken",
    ]);
    expect(settings.users).toEqual([100, 300, 1000]);
    expect(settings.minutes).toBe(2);
    expect(settings.modes).toEqual(["monolith"]);
    expect(settings.variants).toEqual(["presence"]);
    expect(settings.untilBroken).toBe(true);
  });

  it("take the environment where no flag is given, flags first", () => {
    const env = { BENCH_LOAD_USERS: "50", BENCH_LOAD_MINUTES: "3", BENCH_LOAD_UNTIL_BROKEN: "1" };
    const settings = parseLoadSettings(["--minutes", "0.5"], env);
    expect(settings.users).toEqual([50]);
    expect(settings.minutes).toBe(0.5);
    expect(settings.untilBroken).toBe(true);
  });

  it("round odd sizes down to whole pairs", () => {
    expect(parseLoadSettings(["--users", "101"]).users).toEqual([100]);
  });

  it.each([
    [["--users", "many"]],
    [["--users", "1"]],
    [["--users", ""]],
    [["--minutes", "0"]],
    [["--minutes", "-1"]],
    [["--modes", "cluster"]],
    [["--variants", "plain,typing"]],
    [["--users"]],
    [["--colour", "red"]],
  ])("refuse %j", (args) => {
    expect(() => parseLoadSettings(args)).toThrow(LoadSettingError);
  });
});

describe("the schedule", () => {
  it("spreads first actions evenly over one period", () => {
    const offsets = Array.from({ length: 4 }, (_, i) => firstActionAt(i, 4, 30_000));
    expect(offsets).toEqual([0, 7500, 15_000, 22_500]);
  });

  it("repeats every period until the window closes", () => {
    expect(actionTimes(7500, 30_000, 60_000)).toEqual([7500, 37_500]);
    expect(actionTimes(0, 30_000, 60_000)).toEqual([0, 30_000]);
    expect(actionTimes(45_000, 180_000, 30_000)).toEqual([]);
  });

  it("makes every user send at the same rate over whole periods", () => {
    const users = 300;
    const perUser = Array.from(
      { length: users },
      (_, i) => actionTimes(firstActionAt(i, users, 30_000), 30_000, 120_000).length,
    );
    expect(new Set(perUser)).toEqual(new Set([4]));
  });
});

describe("a window's summary", () => {
  it("counts what never arrived as lost and takes percentiles of the rest", () => {
    const deliveries = [
      ...Array.from({ length: 99 }, (_, i) => ({ sentAt: 1000, receivedAt: 1000 + 10 + i })),
      { sentAt: 0, receivedAt: 5000 },
      { sentAt: 0 },
    ];
    const summary = summarise(deliveries);
    expect(summary).toEqual({ sent: 101, lost: 1, p50: 59, p99: 108, max: 5000 });
    expect(broke(summary, 0)).toBe(true);
  });

  it("is empty for no messages", () => {
    expect(summarise([])).toEqual({ sent: 0, lost: 0, p50: 0, p99: 0, max: 0 });
  });

  it("breaks on a slow p99 or a sync error, not otherwise", () => {
    const fine = { sent: 10, lost: 0, p50: 20, p99: 900, max: 1500 };
    expect(broke(fine, 0)).toBe(false);
    expect(broke({ ...fine, p99: 1001 }, 0)).toBe(true);
    expect(broke({ ...fine, lost: 1 }, 0)).toBe(true);
    expect(broke(fine, 1)).toBe(true);
  });
});

describe("CPU from /proc", () => {
  const line = (pid: number, name: string, ppid: number, times: number[]) =>
    `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${times.join(" ")} 20 0 1 0`;

  it("adds user, system and reaped children's time, whatever the command is called", () => {
    const stat = parseProcStat(line(42, "python3 (synapse) x", 1, [7, 3, 20, 5]));
    expect(stat).toEqual({ pid: 42, ppid: 1, ticks: 35 });
  });

  it("sums a part's process tree and nothing outside it", () => {
    const stats = [
      { pid: 10, ppid: 1, ticks: 100 },
      { pid: 11, ppid: 10, ticks: 30 },
      { pid: 12, ppid: 11, ticks: 5 },
      { pid: 20, ppid: 1, ticks: 999 },
    ];
    expect(treeTicks(10, stats)).toBe(135);
    expect(treeTicks(11, stats)).toBe(35);
    expect(treeTicks(99, stats)).toBe(0);
  });
});

describe("a part restarted during the window", () => {
  it("counts the new process's ticks and says it restarted, never a negative figure", () => {
    expect(ticksSpent({ pid: 10, ticks: 500 }, { pid: 10, ticks: 800 })).toEqual({
      ticks: 300,
      restarted: false,
    });
    expect(ticksSpent({ pid: 10, ticks: 5_000 }, { pid: 77, ticks: 120 })).toEqual({
      ticks: 120,
      restarted: true,
    });
    expect(ticksSpent({ pid: 10, ticks: 900 }, { pid: 10, ticks: 850 })).toEqual({
      ticks: 0,
      restarted: false,
    });
    expect(ticksSpent(undefined, { pid: 5, ticks: 40 })).toEqual({ ticks: 40, restarted: false });
  });

  it("reads the supervisor's restarts from its log, with or without timestamps", () => {
    const log = [
      "setup: Synapse is up",
      "2026-12-06T10:50:01.000Z WARNING: synapse-sync failed its health check for 30 s (timed out) and was killed; restarting it in 1 s",
      "WARNING: synapse-events exited with code 1; restarting it in 2 s (bridge waits for it)",
      "WARNING: something else entirely",
    ].join("\n");
    expect(supervisorRestarts(log)).toEqual([
      "synapse-sync failed its health check for 30 s (timed out) and was killed",
      "synapse-events exited with code 1",
    ]);
  });
});
