import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastestMs, hostileText } from "../test/hostileInput";
import { parseWidgetParams } from "./widgetUrl";

const GOOD = {
  roomId: "!abc:example.org",
  userId: "@ana:example.org",
  displayName: "Ana Lima",
  theme: "dark",
  widgetId: "xstream_exchange",
  parentUrl: "https://app.element.io/#/room/!abc:example.org",
};

const query = (values: Record<string, string>) => `?${new URLSearchParams(values)}`;

describe("parseWidgetParams", () => {
  it("reads what Element fills in and appends", () => {
    expect(parseWidgetParams(query(GOOD))).toEqual({
      ok: true,
      params: {
        widgetId: "xstream_exchange",
        parentOrigin: "https://app.element.io",
        roomId: "!abc:example.org",
        userId: "@ana:example.org",
        displayName: "Ana Lima",
        theme: "dark",
      },
    });
  });

  it("accepts room ids without a server part (room version 12)", () => {
    const result = parseWidgetParams(
      query({ ...GOOD, roomId: "!Y5aVPLjz5yrPgOr8bX4YlrDaTQp5ZWBO" }),
    );
    expect(result.ok).toBe(true);
  });

  it("maps Element's theme names to light or dark, and anything else to the default", () => {
    const theme = (value: string) => {
      const result = parseWidgetParams(query({ ...GOOD, theme: value }));
      return result.ok ? result.params.theme : "invalid";
    };
    expect(theme("light-high-contrast")).toBe("light");
    expect(theme("dark-custom-Nord")).toBe("dark");
    expect(theme("$org.matrix.msc2873.client_theme")).toBeUndefined();
    expect(theme("<script>")).toBeUndefined();
  });

  it("names every missing or malformed value at once", () => {
    const result = parseWidgetParams("");
    expect(result).toEqual({
      ok: false,
      problems: [
        "widgetId is missing or malformed",
        "parentUrl is missing or not an http(s) URL",
        "roomId is missing or malformed",
        "userId is missing or malformed",
      ],
    });
  });

  it("treats template variables the host left unfilled as missing", () => {
    const result = parseWidgetParams(
      query({
        ...GOOD,
        roomId: "$matrix_room_id",
        userId: "$matrix_user_id",
        displayName: "$matrix_display_name",
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        "roomId is missing or malformed",
        "userId is missing or malformed",
      ]);
    }
  });

  it.each([
    ["garbage", "not a url"],
    ["javascript", "javascript:alert(1)"],
    ["data", "data:text/html,<script>alert(1)</script>"],
    ["file", "file:///etc/passwd"],
    ["huge", `https://example.org/${"a".repeat(100_000)}`],
    ["relative", "/room"],
  ])("refuses a %s parentUrl", (_, parentUrl) => {
    const result = parseWidgetParams(query({ ...GOOD, parentUrl }));
    expect(result).toEqual({ ok: false, problems: ["parentUrl is missing or not an http(s) URL"] });
  });

  it.each([
    ["a user id as room id", { roomId: "@ana:example.org" }],
    ["whitespace in the room id", { roomId: "!abc def:example.org" }],
    ["a control character", { userId: "@ana\u0000:example.org" }],
    ["no server in the user id", { userId: "@ana" }],
    ["an oversized user id", { userId: `@${"a".repeat(300)}:example.org` }],
    ["an oversized widget id", { widgetId: "w".repeat(300) }],
  ])("refuses %s", (_, override) => {
    expect(parseWidgetParams(query({ ...GOOD, ...override })).ok).toBe(false);
  });

  it("parses hostile values in linear time and cuts a huge display name", () => {
    const fragments = ["!", "@", ":", "$", "#", "%00", "\u202e", "𝕃", " ", "https://"];
    fc.assert(
      fc.property(hostileText(fragments), (text) => {
        const hostile = query({
          ...GOOD,
          displayName: text,
          roomId: `!${text}`,
          userId: `@${text}`,
        });
        expect(fastestMs(() => parseWidgetParams(hostile))).toBeLessThan(100);
      }),
      { numRuns: 30 },
    );
    const result = parseWidgetParams(query({ ...GOOD, displayName: "𝕃".repeat(50_000) }));
    expect(result.ok && Array.from(result.params.displayName ?? "").length).toBe(256);
  });
});
