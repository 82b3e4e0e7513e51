import { describe, expect, it } from "vitest";
import { dayLabel } from "./days";
import { namesList, typingLine } from "./people";

describe("typingLine", () => {
  it("names who is typing", () => {
    expect(typingLine([])).toBe("");
    expect(typingLine(["Ana"])).toBe("Ana is typing…");
    expect(typingLine(["Ana", "Ben"])).toBe("Ana and Ben are typing…");
    expect(typingLine(["Ana", "Ben", "Carla"])).toBe("Ana, Ben and Carla are typing…");
    expect(typingLine(["Ana", "Ben", "Carla", "Dan"])).toBe("Ana, Ben and 2 others are typing…");
  });

  it("lists names without an Oxford comma", () => {
    expect(namesList(["Ana", "Ben", "Carla"])).toBe("Ana, Ben and Carla");
  });
});

describe("dayLabel", () => {
  const now = new Date(2025, 0, 8, 15, 0).getTime();
  it("says Today and Yesterday, else the date", () => {
    expect(dayLabel(new Date(2025, 0, 8, 1, 0).getTime(), now)).toBe("Today");
    expect(dayLabel(new Date(2025, 0, 7, 23, 0).getTime(), now)).toBe("Yesterday");
    expect(dayLabel(new Date(2025, 0, 6, 12, 0).getTime(), now, "en-GB")).toBe("Monday 6 January");
    expect(dayLabel(new Date(2024, 11, 31, 12, 0).getTime(), now, "en-GB")).toBe(
      "Tuesday, 31 December 2024",
    );
  });
});
