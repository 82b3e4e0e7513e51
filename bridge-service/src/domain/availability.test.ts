import { describe, expect, it } from "vitest";
import {
  MINUTES_PER_WEEK,
  sharedMinutes,
  utcOffsetMinutes,
  type WeeklySchedule,
  weeklyOverlapMinutes,
  weeklyUtcIntervals,
} from "./availability.js";
import type { AvailabilityWindow, Weekday } from "./profiles.js";

const winter = new Date("2025-01-15T12:00:00Z");
const summer = new Date("2025-07-15T12:00:00Z");
// The US has moved its clocks (second Sunday of March), the EU not yet (last Sunday).
const betweenChanges = new Date("2025-03-20T12:00:00Z");

function at(day: Weekday, start: string, end: string): AvailabilityWindow {
  return { day, start, end };
}

function schedule(timezone: string, ...availability: AvailabilityWindow[]): WeeklySchedule {
  return { timezone, availability };
}

const SUNDAY = 6 * 24 * 60;

describe("utcOffsetMinutes", () => {
  it("reads each zone's offset at the given instant, DST included", () => {
    expect(utcOffsetMinutes("Europe/Madrid", winter)).toBe(60);
    expect(utcOffsetMinutes("Europe/Madrid", summer)).toBe(120);
    expect(utcOffsetMinutes("America/New_York", winter)).toBe(-300);
    expect(utcOffsetMinutes("America/New_York", betweenChanges)).toBe(-240);
    expect(utcOffsetMinutes("Asia/Kolkata", winter)).toBe(330);
    expect(utcOffsetMinutes("UTC", summer)).toBe(0);
  });

  it("ignores the milliseconds of the instant", () => {
    expect(utcOffsetMinutes("Asia/Tokyo", new Date("2025-01-15T12:00:00.999Z"))).toBe(540);
  });

  it("reads a zone it does not know as UTC", () => {
    expect(utcOffsetMinutes("Mars/Olympus_Mons", winter)).toBe(0);
  });
});

describe("weeklyUtcIntervals", () => {
  it("shifts windows by the offset and merges overlapping or touching ones", () => {
    expect(
      weeklyUtcIntervals(
        [at(0, "11:00", "13:00"), at(0, "10:00", "12:00"), at(0, "13:00", "14:00")],
        60,
      ),
    ).toEqual([{ start: 9 * 60, end: 13 * 60 }]);
  });

  it("splits a window that crosses the end of the UTC week", () => {
    // Monday 08:00–10:00 in UTC+9 is Sunday 23:00 – Monday 01:00 UTC.
    expect(weeklyUtcIntervals([at(0, "08:00", "10:00")], 540)).toEqual([
      { start: 0, end: 60 },
      { start: SUNDAY + 23 * 60, end: MINUTES_PER_WEEK },
    ]);
  });

  it("wraps Sunday evening west of UTC into Monday morning", () => {
    // Sunday 23:00–24:00 in UTC-5 is Monday 04:00–05:00 UTC.
    expect(weeklyUtcIntervals([at(6, "23:00", "24:00")], -300)).toEqual([
      { start: 4 * 60, end: 5 * 60 },
    ]);
  });

  it("skips empty windows", () => {
    expect(weeklyUtcIntervals([at(2, "10:00", "10:00")], 0)).toEqual([]);
  });
});

describe("sharedMinutes", () => {
  it("adds up every overlap of two sorted lists", () => {
    expect(
      sharedMinutes(
        [
          { start: 0, end: 100 },
          { start: 200, end: 300 },
        ],
        [
          { start: 50, end: 250 },
          { start: 290, end: 400 },
        ],
      ),
    ).toBe(50 + 50 + 10);
  });
});

describe("weeklyOverlapMinutes", () => {
  const madrid = schedule("Europe/Madrid", at(0, "18:00", "20:00"), at(2, "19:00", "21:00"));
  const newYork = schedule("America/New_York", at(0, "12:00", "14:00"), at(2, "14:00", "15:30"));

  it("compares Madrid and New York evenings in UTC", () => {
    // Winter: Madrid Mon 17–19 and Wed 18–20 UTC; New York Mon 17–19 and Wed 19–20:30 UTC.
    expect(weeklyOverlapMinutes(madrid, newYork, winter)).toBe(120 + 60);
    // Summer: both an hour earlier in UTC, so the same overlap.
    expect(weeklyOverlapMinutes(madrid, newYork, summer)).toBe(120 + 60);
  });

  it("uses each zone's own offset when only one has changed its clocks", () => {
    // New York is UTC-4 already, Madrid still UTC+1: Mon 16–18 vs 17–19, Wed 18–19:30 vs 18–20.
    expect(weeklyOverlapMinutes(madrid, newYork, betweenChanges)).toBe(60 + 90);
  });

  it("is symmetric", () => {
    expect(weeklyOverlapMinutes(newYork, madrid, betweenChanges)).toBe(150);
  });

  it("matches across the end of the week east of UTC", () => {
    // Tokyo Monday 00:00–02:00 is Sunday 15:00–17:00 UTC.
    const tokyo = schedule("Asia/Tokyo", at(0, "00:00", "02:00"));
    const london = schedule("Europe/London", at(6, "16:00", "24:00"));
    expect(weeklyOverlapMinutes(tokyo, london, winter)).toBe(60);
  });

  it("matches a Sunday 23:00–24:00 window in UTC+X with the UTC Sunday evening", () => {
    // Sunday 23:00–24:00 in Kolkata (UTC+5:30) is Sunday 17:30–18:30 UTC.
    const kolkata = schedule("Asia/Kolkata", at(6, "23:00", "24:00"));
    const utc = schedule("UTC", at(6, "18:00", "20:00"));
    expect(weeklyOverlapMinutes(kolkata, utc, winter)).toBe(30);
  });

  it("matches a window that straddles the week boundary on both sides", () => {
    // Tokyo Monday 08:00–10:00 = Sunday 23:00 – Monday 01:00 UTC.
    const tokyo = schedule("Asia/Tokyo", at(0, "08:00", "10:00"));
    const utc = schedule("UTC", at(6, "23:30", "24:00"), at(0, "00:00", "00:30"));
    expect(weeklyOverlapMinutes(tokyo, utc, winter)).toBe(60);
  });

  it("counts a window listed twice in one profile once", () => {
    const twice = schedule("UTC", at(3, "10:00", "12:00"), at(3, "11:00", "13:00"));
    const allDay = schedule("UTC", at(3, "00:00", "24:00"));
    expect(weeklyOverlapMinutes(twice, allDay, winter)).toBe(180);
  });

  it("is zero when either has no availability", () => {
    expect(weeklyOverlapMinutes(madrid, schedule("Europe/Madrid"), winter)).toBe(0);
  });
});
