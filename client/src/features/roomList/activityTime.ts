const DAY = 24 * 60 * 60 * 1000;

function startOfDay(timestamp: number): number {
  const date = new Date(timestamp);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/**
 * When a room was last active, as short as a list needs: the time today ("14:05"), the weekday
 * within the last week ("Mon"), the date this year ("6 Jan"), else with the year.
 */
export function formatActivityTime(timestamp: number, now: number, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(timestamp)) / DAY);
  if (days <= 0) {
    return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(
      timestamp,
    );
  }
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: "short" }).format(timestamp);
  const sameYear = new Date(timestamp).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    ...(!sameYear && { year: "numeric" }),
  }).format(timestamp);
}
