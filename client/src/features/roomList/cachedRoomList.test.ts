import { afterEach, describe, expect, it } from "vitest";
import { deleteRoomListCaches } from "../../matrix/roomListCache";
import { CACHED_ROOMS, loadCachedRoomList, saveCachedRoomList } from "./cachedRoomList";
import type { RoomListEntry } from "./roomSummary";

const ANA = "@ana:example.org";
const BEN = "@ben:example.org";

function entry(index: number, direct = false): RoomListEntry {
  return {
    roomId: `!r${index}:example.org`,
    name: `Room ${index}`,
    initials: "R",
    avatarUrl: null,
    direct,
    preview: `Ben: hello ${index}`,
    lastActivity: 1_700_000_000_000 - index,
    unread: index % 3,
    mentions: 0,
    label: `Room ${index}`,
  };
}

afterEach(() => localStorage.clear());

describe("the room list kept for the next start", () => {
  it("keeps the first rooms of each section per user", () => {
    const groups = Array.from({ length: 100 }, (_, index) => entry(index));
    saveCachedRoomList(ANA, { direct: [entry(500, true)], groups, total: 101 });

    const cached = loadCachedRoomList(ANA);
    expect(cached?.direct).toEqual([entry(500, true)]);
    expect(cached?.groups).toEqual(groups.slice(0, CACHED_ROOMS));
    expect(cached?.total).toBe(101);
    expect(loadCachedRoomList(BEN)).toBeNull();
  });

  it("shows nothing of what does not look like a room list, and never throws on it", () => {
    const key = `xstream:room-list:${ANA}`;
    const hostile = [
      "not json {",
      "null",
      "42",
      JSON.stringify({ direct: "no", groups: { length: 5 } }),
      JSON.stringify({
        groups: [
          { ...entry(1), unread: "lots" },
          { ...entry(2), name: 7 },
        ],
      }),
      JSON.stringify({ groups: [{ ...entry(1), avatarUrl: { src: "javascript:alert(1)" } }] }),
      "[".repeat(100_000),
    ];
    for (const value of hostile) {
      localStorage.setItem(key, value);
      expect(loadCachedRoomList(ANA)).toBeNull();
    }
    // Good entries beside bad ones still show; a bad total counts as none.
    localStorage.setItem(
      key,
      JSON.stringify({ groups: [entry(1), { roomId: 5 }, entry(2)], total: -1.5 }),
    );
    expect(loadCachedRoomList(ANA)).toEqual({ direct: [], groups: [entry(1), entry(2)], total: 0 });
  });

  it("goes with the sync cache: deleted for everyone on sign-out, kept for who starts", () => {
    saveCachedRoomList(ANA, { direct: [], groups: [entry(1)], total: 1 });
    saveCachedRoomList(BEN, { direct: [], groups: [entry(2)], total: 1 });
    localStorage.setItem("xstream:sync", "sliding");

    deleteRoomListCaches(ANA);
    expect(loadCachedRoomList(ANA)).not.toBeNull();
    expect(loadCachedRoomList(BEN)).toBeNull();
    deleteRoomListCaches(null);
    expect(loadCachedRoomList(ANA)).toBeNull();
    // Other settings stay.
    expect(localStorage.getItem("xstream:sync")).toBe("sliding");
  });
});
