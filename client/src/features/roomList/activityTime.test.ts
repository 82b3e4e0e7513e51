import { describe, expect, it } from "vitest";
import { formatActivityTime } from "./activityTime";

// Local times, so the test holds in any time zone.
const NOW = new Date(2025, 0, 8, 15, 30).getTime(); // Wednesday 8 January 2025

describe("formatActivityTime", () => {
  it("shows the time today, the weekday this week, the date before that", () => {
    expect(formatActivityTime(new Date(2025, 0, 8, 9, 5).getTime(), NOW, "en-GB")).toBe("09:05");
    expect(formatActivityTime(new Date(2025, 0, 6, 22, 0).getTime(), NOW, "en-GB")).toBe("Mon");
    expect(formatActivityTime(new Date(2025, 0, 1, 12, 0).getTime(), NOW, "en-GB")).toBe("1 Jan");
    expect(formatActivityTime(new Date(2024, 11, 24, 12, 0).getTime(), NOW, "en-GB")).toBe(
      "24 Dec 2024",
    );
  });
});
