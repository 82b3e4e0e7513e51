import { describe, expect, it } from "vitest";
import { isMatrixEventId, isMatrixRoomId, isMatrixUserId, isServerName } from "./matrixIds.js";

/** A room version 12 room id as Synapse makes it: `!` and 43 characters of URL-safe base64. */
const V12_ROOM = "!Hn9Qs5YkQsfvGXfNcqxbUWzAhJwSzhmaQDBeEYFa-_Q";

describe("isServerName", () => {
  it.each([
    "localhost",
    "example.org",
    "matrix.example.org:8448",
    "1.2.3.4",
    "1.2.3.4:443",
    "[::1]",
    "[2001:db8::1]:8448",
  ])("accepts %s", (name) => {
    expect(isServerName(name)).toBe(true);
  });

  it.each([
    "",
    "example.org/path",
    "user@example.org",
    "example.org:0",
    "example.org:70000",
    "example.org:",
    "exa mple.org",
    "-example.org",
    "[::1",
    "a:b:c",
    "example.org?x=1",
  ])("refuses %j", (name) => {
    expect(isServerName(name)).toBe(false);
  });
});

describe("isMatrixRoomId", () => {
  it.each([
    ["a room of versions 1-11", "!OGEhHVWSdvArJzumhm:matrix.org"],
    ["one on a port", "!abc:localhost:8448"],
    ["one on an IPv6 literal", "!abc:[2001:db8::1]:8448"],
    ["a room version 12 id (no server part)", V12_ROOM],
    ["a 255-byte id", `!${"a".repeat(242)}:example.org`],
  ])("accepts %s", (_what, roomId) => {
    expect(isMatrixRoomId(roomId)).toBe(true);
  });

  it.each([
    ["an alias", "#room:example.org"],
    ["the sigil alone", "!"],
    ["an empty opaque part", "!:example.org"],
    ["a v12-like id one character short", V12_ROOM.slice(0, -1)],
    ["a v12-like id with standard base64", `${V12_ROOM.slice(0, -2)}+/`],
    ["a bad server name", "!abc:exa mple.org"],
    ["a path in the server part", "!abc:example.org/x"],
    ["whitespace", "!ab c:example.org"],
    ["a control character", "!ab\u0000c:example.org"],
    ["a 256-byte id", `!${"a".repeat(243)}:example.org`],
    ["under 255 characters but over 255 bytes", `!${"é".repeat(122)}:example.org`],
    ["an event id", "$abc:example.org"],
  ])("refuses %s", (_what, roomId) => {
    expect(isMatrixRoomId(roomId)).toBe(false);
  });

  it("answers in linear time for hostile input", () => {
    const started = performance.now();
    for (const hostile of [
      `!${":".repeat(100_000)}`,
      `!${"a".repeat(100_000)}:`,
      `!a:${"a.".repeat(50_000)}`,
    ]) {
      expect(isMatrixRoomId(hostile)).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("isMatrixEventId", () => {
  it.each([
    ["versions 1-2", "$1441234567890abcde:example.org"],
    ["version 3 (standard base64)", "$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk"],
    ["version 4 and later (URL-safe)", "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"],
  ])("accepts %s", (_what, eventId) => {
    expect(isMatrixEventId(eventId)).toBe(true);
  });

  it.each([
    ["a room id", V12_ROOM],
    ["a bare dollar", "$"],
    ["money", "$50"],
    ["a hash with padding", "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Z="],
    ["a space", "$abc def:example.org"],
  ])("refuses %s", (_what, eventId) => {
    expect(isMatrixEventId(eventId)).toBe(false);
  });
});

describe("isMatrixUserId", () => {
  it("takes user ids up to 255 bytes, not characters", () => {
    expect(isMatrixUserId("@ana:example.org")).toBe(true);
    expect(isMatrixUserId(`@${"a".repeat(242)}:example.org`)).toBe(true);
    expect(isMatrixUserId(`@${"é".repeat(122)}:example.org`)).toBe(false);
  });
});
