import { type AvailabilityWindow, minutesOfDay, type Profile } from "./profiles.js";

export const MINUTES_PER_DAY = 24 * 60;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A half-open span [start, end) of minutes since Monday 00:00 UTC, inside one week. */
export interface WeeklyInterval {
  start: number;
  end: number;
}

/** The part of a profile that says when someone can talk. */
export type WeeklySchedule = Pick<Profile, "timezone" | "availability">;

const formatters = new Map<string, Intl.DateTimeFormat>();

function localClockIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Minutes `timeZone` is ahead of UTC at the instant `at` (Madrid in winter: 60, New York in
 * winter: -300). A zone this runtime does not know reads as UTC: profiles are validated on
 * save, and one stale row must not break every partner search that meets it.
 */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  let clock: Intl.DateTimeFormat;
  try {
    clock = localClockIn(timeZone);
  } catch {
    return 0;
  }
  const parts = clock.formatToParts(at);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wallClockAsUtc = Date.UTC(
    field("year"),
    field("month") - 1,
    field("day"),
    field("hour"),
    field("minute"),
    field("second"),
  );
  // The formatted wall clock has no milliseconds; drop them from `at` too.
  const atWholeSecond = Math.floor(at.getTime() / 1000) * 1000;
  return Math.round((wallClockAsUtc - atWholeSecond) / 60_000);
}

/**
 * Weekly windows given in a zone `offsetMinutes` ahead of UTC, as sorted, merged UTC intervals.
 * A window that crosses the end of the UTC week (Sunday 24:00) is split in two, so Monday
 * 08:00 in Tokyo becomes Sunday 23:00 UTC.
 */
export function weeklyUtcIntervals(
  availability: readonly AvailabilityWindow[],
  offsetMinutes: number,
): WeeklyInterval[] {
  const pieces: WeeklyInterval[] = [];
  for (const window of availability) {
    const startOfDay = window.day * MINUTES_PER_DAY;
    const start = startOfDay + Math.min(minutesOfDay(window.start), MINUTES_PER_DAY);
    const end = startOfDay + Math.min(minutesOfDay(window.end), MINUTES_PER_DAY);
    if (end <= start) continue;
    const utcStart = modulo(start - offsetMinutes, MINUTES_PER_WEEK);
    const utcEnd = utcStart + (end - start);
    if (utcEnd <= MINUTES_PER_WEEK) {
      pieces.push({ start: utcStart, end: utcEnd });
    } else {
      pieces.push({ start: utcStart, end: MINUTES_PER_WEEK });
      pieces.push({ start: 0, end: utcEnd - MINUTES_PER_WEEK });
    }
  }
  return mergeIntervals(pieces);
}

/** Minutes covered by both lists; each must be sorted and merged (as weeklyUtcIntervals returns). */
export function sharedMinutes(a: readonly WeeklyInterval[], b: readonly WeeklyInterval[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i] as WeeklyInterval;
    const right = b[j] as WeeklyInterval;
    total += Math.max(0, Math.min(left.end, right.end) - Math.max(left.start, right.start));
    // Move past whichever ends first; the other may still overlap the next one.
    if (left.end <= right.end) i++;
    else j++;
  }
  return total;
}

/**
 * Minutes a week both people are free, compared in UTC. Each zone's offset is the one in force
 * at `now`, so a DST change later in the week is not accounted for: good enough to rank by.
 */
export function weeklyOverlapMinutes(a: WeeklySchedule, b: WeeklySchedule, now: Date): number {
  return sharedMinutes(
    weeklyUtcIntervals(a.availability, utcOffsetMinutes(a.timezone, now)),
    weeklyUtcIntervals(b.availability, utcOffsetMinutes(b.timezone, now)),
  );
}

function mergeIntervals(intervals: WeeklyInterval[]): WeeklyInterval[] {
  intervals.sort((x, y) => x.start - y.start);
  const merged: WeeklyInterval[] = [];
  for (const interval of intervals) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
