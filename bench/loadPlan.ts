// The pure parts of the load benchmark: its settings, when each synthetic user acts, what a
// window's deliveries add up to, and the CPU a /proc stat line records. No I/O here, so vitest
// can pin them down.
import { percentile } from "./stats.ts";

export type LoadMode = "monolith" | "workers";
export type LoadVariant = "plain" | "presence";

export interface LoadSettings {
  users: number[];
  /** The measured window of each run, in minutes. */
  minutes: number;
  modes: LoadMode[];
  variants: LoadVariant[];
  /** After the listed sizes, keep doubling N until a run breaks (slow: opt in). */
  untilBroken: boolean;
  /** How often each user sends, in ms (30 s: a lively chat). */
  messageEveryMs: number;
  /** How often each user of the presence variant flips online/offline, in ms. */
  presenceEveryMs: number;
}

export const DEFAULT_LOAD_SETTINGS: LoadSettings = {
  users: [100, 300],
  minutes: 0.5,
  modes: ["monolith", "workers"],
  variants: ["plain", "presence"],
  untilBroken: false,
  messageEveryMs: 30_000,
  presenceEveryMs: 180_000,
};

export class LoadSettingError extends Error {}

const list = (text: string) =>
  text
    .split(",")
    .map((word) => word.trim())
    .filter(Boolean);

function oneOf<T extends string>(flag: string, words: string[], allowed: readonly T[]): T[] {
  const unknown = words.filter((word) => !(allowed as readonly string[]).includes(word));
  if (unknown.length > 0 || words.length === 0) {
    throw new LoadSettingError(`${flag}: use one or more of ${allowed.join(", ")}`);
  }
  return words as T[];
}

/**
 * `--users 100,300,1000 --minutes 2 --modes monolith,workers --variants plain,presence
 * --until-broken`; each flag may also come as BENCH_LOAD_USERS, BENCH_LOAD_MINUTES,
 * BENCH_LOAD_MODES, BENCH_LOAD_VARIANTS, BENCH_LOAD_UNTIL_BROKEN=1. Arguments win.
 */
export function parseLoadSettings(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): LoadSettings {
  const given = new Map<string, string>();
  for (const [key, value] of [
    ["--users", env.BENCH_LOAD_USERS],
    ["--minutes", env.BENCH_LOAD_MINUTES],
    ["--modes", env.BENCH_LOAD_MODES],
    ["--variants", env.BENCH_LOAD_VARIANTS],
  ] as const) {
    if (value) given.set(key, value);
  }
  let untilBroken = env.BENCH_LOAD_UNTIL_BROKEN === "1";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("--")) continue;
    if (arg === "--until-broken") {
      untilBroken = true;
      continue;
    }
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (value === undefined) throw new LoadSettingError(`${flag} needs a value`);
    given.set(flag, value);
  }
  const settings: LoadSettings = { ...DEFAULT_LOAD_SETTINGS, untilBroken };
  for (const [flag, value] of given) {
    if (flag === "--users") {
      settings.users = list(value).map(Number);
      if (
        settings.users.length === 0 ||
        settings.users.some((n) => !Number.isInteger(n) || n < 2)
      ) {
        throw new LoadSettingError("--users: whole numbers of at least 2, e.g. 100,300,1000");
      }
      settings.users = settings.users.map((n) => n - (n % 2));
    } else if (flag === "--minutes") {
      settings.minutes = Number(value);
      if (!(settings.minutes > 0)) throw new LoadSettingError("--minutes: a positive number");
    } else if (flag === "--modes") {
      settings.modes = oneOf(flag, list(value), ["monolith", "workers"] as const);
    } else if (flag === "--variants") {
      settings.variants = oneOf(flag, list(value), ["plain", "presence"] as const);
    } else {
      throw new LoadSettingError(`unknown option ${flag}`);
    }
  }
  return settings;
}

/**
 * When user `index` of `users` first acts within a period: spread evenly, so the server sees a
 * steady stream rather than everyone at once.
 */
export function firstActionAt(index: number, users: number, periodMs: number): number {
  return Math.floor((index * periodMs) / users);
}

/** Every time (ms from the window's start) a user acts, first at `offset`, before `windowMs`. */
export function actionTimes(offset: number, periodMs: number, windowMs: number): number[] {
  const times: number[] = [];
  for (let at = offset; at < windowMs; at += periodMs) times.push(at);
  return times;
}

export interface Delivery {
  sentAt: number;
  /** When the partner's /sync brought it; undefined if it never did. */
  receivedAt?: number;
}

export interface WindowSummary {
  sent: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
}

/** Send→receive latency over every message the server accepted, and how many never arrived. */
export function summarise(deliveries: Iterable<Delivery>): WindowSummary {
  const latencies: number[] = [];
  let sent = 0;
  for (const delivery of deliveries) {
    sent++;
    if (delivery.receivedAt !== undefined) latencies.push(delivery.receivedAt - delivery.sentAt);
  }
  latencies.sort((a, b) => a - b);
  return {
    sent,
    lost: sent - latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: the process and its reaped children. */
  ticks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(")");
  if (close < 0) throw new Error("not a /proc stat line");
  const pid = Number(line.slice(0, line.indexOf(" ")));
  // After ") ": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17), counted from 1.
  const fields = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const at = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) };
}

/** The ticks of `root` and every live descendant of it among `stats`. */
export function treeTicks(root: number, stats: readonly ProcStat[]): number {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  let total = 0;
  const pending = stats.filter((stat) => stat.pid === root);
  while (pending.length > 0) {
    const stat = pending.pop() as ProcStat;
    total += stat.ticks;
    pending.push(...(children.get(stat.pid) ?? []));
  }
  return total;
}

/** A run broke when a message took over a second at p99, was lost, or a sync failed. */
export function broke(summary: WindowSummary, syncErrors: number): boolean {
  return summary.p99 > 1000 || summary.lost > 0 || syncErrors > 0;
}

/** A supervised part's root process and the ticks of its tree, sampled once. */
export interface PartSample {
  pid: number;
  ticks: number;
}

/**
 * The ticks a part spent between two samples. A part the supervisor restarted in between has a
 * new root process: all of that process's ticks fall inside the window (the old one's last
 * seconds are unknown and left out), and the restart is reported rather than a negative figure.
 */
export function ticksSpent(
  before: PartSample | undefined,
  after: PartSample,
): { ticks: number; restarted: boolean } {
  if (before === undefined || before.pid !== after.pid) {
    return { ticks: after.ticks, restarted: before !== undefined };
  }
  // A descendant that exited unreaped takes its ticks with it; never report less than nothing.
  return { ticks: Math.max(0, after.ticks - before.ticks), restarted: false };
}

/**
 * The supervisor's restarts recorded in a `setup.log`, oldest first, as "<part> <reason>"
 * (scripts/stack/processes.ts writes "WARNING: <part> <reason>; restarting it in …", after a
 * timestamp in `npm start`'s files and without one in the test harness's).
 */
export function supervisorRestarts(setupLog: string): string[] {
  const restarts: string[] = [];
  for (const line of setupLog.split("\n")) {
    const start = line.indexOf("WARNING: ");
    const end = line.indexOf("; restarting it in ");
    if (start < 0 || end < start) continue;
    restarts.push(line.slice(start + "WARNING: ".length, end));
  }
  return restarts;
}
