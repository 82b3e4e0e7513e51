import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  callGrant,
  goJsonStringArray,
  homeserverAccess,
  legacyLiveKitIdentity,
  liveKitIdentity,
  liveKitRoomName,
  vouchedUserMatches,
} from "./rtcTokens.js";

/** lk-jwt-service's documented formula for plain ASCII ids, computed here independently. */
function documentedHash(values: string[]): string {
  return createHash("sha256").update(JSON.stringify(values)).digest("base64").replace(/=+$/, "");
}

describe("liveKitRoomName", () => {
  it("matches lk-jwt-service's own test vector", () => {
    // helper_test.go, TestLiveKitRoomAliasFor_TestVector.
    expect(liveKitRoomName("!roomid:example.com", "slot1234")).toBe(
      "O8437W3+jmzMVjoIP3tNwbm+XxHQk2iKpOA7aqw3qSc",
    );
  });

  it("is the unpadded base64 SHA-256 of the JSON array [room id, slot id]", () => {
    const name = liveKitRoomName("!abc:example.org", "m.call#ROOM");
    expect(name).toBe(documentedHash(["!abc:example.org", "m.call#ROOM"]));
    expect(name).not.toContain("=");
    expect(name).toHaveLength(43);
  });

  it("separates rooms and slots", () => {
    const names = new Set([
      liveKitRoomName("!a:example.org", "m.call#ROOM"),
      liveKitRoomName("!b:example.org", "m.call#ROOM"),
      liveKitRoomName("!a:example.org", "m.call#OTHER"),
      // A naive concatenation would make these two collide.
      liveKitRoomName("!a:example.orgm.call", "#ROOM"),
    ]);
    expect(names.size).toBe(4);
  });

  // Expected values from Go 1.26's encoding/json + crypto/sha256, as lk-jwt-service computes
  // them: Go escapes <, > and & (and U+2028/2029), which JSON.stringify does not.
  it("escapes like Go's json.Marshal, so unusual ids still land in the same room", () => {
    expect(liveKitRoomName("!a<b>&c:example.org", "m.call#ROOM")).toBe(
      "rJYuQB3QVCYKx6v9y+wMbaeTQAWT/4UxbF1jpprhay4",
    );
    expect(liveKitRoomName("!Zürich-ß-日本:example.org", "m.call#ROOM")).toBe(
      "BMxyAW7JMnG+rUC74deS7+rW10m9agOlRn5B2mW7Dn0",
    );
  });
});

describe("liveKitIdentity", () => {
  it("matches lk-jwt-service's own test vector", () => {
    // helper_test.go, TestLiveKitIdentityFor_TestVector.
    expect(liveKitIdentity("@alice:example.com", "DEVICE123", "memberABC")).toBe(
      "J+T45tGruxc+HrUOqJJlyQSV33m728Cme4+vt8/SWrU",
    );
  });

  it("is the unpadded base64 SHA-256 of the JSON array [user id, device id, member id]", () => {
    expect(liveKitIdentity("@ana:example.org", "ABCDEF", "m-1")).toBe(
      documentedHash(["@ana:example.org", "ABCDEF", "m-1"]),
    );
  });

  it("escapes control and line-separator characters like Go", () => {
    expect(
      liveKitIdentity("@ana:example.org", "DEV\b\f\n\r\t\u0001\u007f", 'm\u2028e\u2029m"\\/'),
    ).toBe("fh4503Xt52W6tMJ0WUPMchvGPSuaa8GHOaBqBxSDBWU");
  });
});

describe("goJsonStringArray", () => {
  it("writes what Go's json.Marshal writes", () => {
    expect(goJsonStringArray(["!a<b>&c:example.org", "m.call#ROOM"])).toBe(
      '["!a\\u003cb\\u003e\\u0026c:example.org","m.call#ROOM"]',
    );
    expect(goJsonStringArray(["a\u2028b\u2029c", "\b\f\u0001"])).toBe(
      '["a\\u2028b\\u2029c","\\b\\f\\u0001"]',
    );
  });

  it("reads an unpaired surrogate as U+FFFD, as Go's decoder does", () => {
    expect(goJsonStringArray(["x\uD800y"])).toBe(goJsonStringArray(["x\uFFFDy"]));
    // A proper pair is kept.
    expect(goJsonStringArray(["😀"])).toBe('["😀"]');
  });
});

describe("legacyLiveKitIdentity", () => {
  it("is user id and device id joined by a colon, as /sfu/get always had it", () => {
    expect(legacyLiveKitIdentity("@ana:example.org", "ABCDEF")).toBe("@ana:example.org:ABCDEF");
  });
});

describe("callGrant", () => {
  it("lets its holder join, publish and subscribe in one room, never create rooms", () => {
    expect(callGrant("room-x")).toEqual({
      room: "room-x",
      roomJoin: true,
      roomCreate: false,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: true,
    });
  });
});

describe("homeserverAccess", () => {
  const policy = { ownServerName: "localhost", allowedHomeservers: ["friends.example"] };

  it("knows our own server, the allowed ones, and refuses the rest", () => {
    expect(homeserverAccess("localhost", policy)).toBe("own");
    expect(homeserverAccess("friends.example", policy)).toBe("allowed");
    expect(homeserverAccess("other.example", policy)).toBe("refused");
    expect(homeserverAccess("friends.example:8448", policy)).toBe("refused");
  });
});

describe("vouchedUserMatches", () => {
  it("takes the claimed user of the vouching server", () => {
    expect(
      vouchedUserMatches("@ana:example.org", {
        serverName: "example.org",
        claimedUserId: "@ana:example.org",
      }),
    ).toBe(true);
    expect(vouchedUserMatches("@ana:example.org", { serverName: "example.org" })).toBe(true);
  });

  it("refuses another user than claimed", () => {
    expect(
      vouchedUserMatches("@bob:example.org", {
        serverName: "example.org",
        claimedUserId: "@ana:example.org",
      }),
    ).toBe(false);
  });

  it("refuses a server vouching for another server's user, even as claimed", () => {
    expect(
      vouchedUserMatches("@admin:localhost", {
        serverName: "evil.example",
        claimedUserId: "@admin:localhost",
      }),
    ).toBe(false);
  });

  it("refuses an answer that is no user id", () => {
    expect(vouchedUserMatches("ana", { serverName: "example.org" })).toBe(false);
  });
});
