const DAY = 24 * 60 * 60 * 1000;

function startOfDay(timestamp: number): number {
  const date = new Date(timestamp);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

type Style = "time" | "weekday" | "date" | "dateWithYear";

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  time: { hour: "2-digit", minute: "2-digit" },
  weekday: { weekday: "short" },
  date: { day: "numeric", month: "short" },
  dateWithYear: { day: "numeric", month: "short", year: "numeric" },
};

/**
 * Made once per locale and style: making an `Intl.DateTimeFormat` costs far more than using one,
 * and a list of a few thousand rooms formats a time for each.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function format(style: Style, timestamp: number, locale: string | undefined): string {
  const key = `${locale ?? ""}|${style}`;
  let formatter = formats.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, STYLES[style]);
    formats.set(key, formatter);
  }
  return formatter.format(timestamp);
}

/**
 * When a room was last active, as short as a list needs: the time today ("14:05"), the weekday
 * within the last week ("Mon"), the date this year ("6 Jan"), else with the year.
 */
export function formatActivityTime(timestamp: number, now: number, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(timestamp)) / DAY);
  if (days <= 0) return format("time", timestamp, locale);
  if (days < 7) return format("weekday", timestamp, locale);
  const sameYear = new Date(timestamp).getFullYear() === new Date(now).getFullYear();
  return format(sameYear ? "date" : "dateWithYear", timestamp, locale);
}
