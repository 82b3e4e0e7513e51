import { describe, expect, it } from "vitest";
import { type PresenceSource, presenceLabel, presenceOf, timeAgo } from "./presenceView";

const NOW = Date.UTC(2025, 0, 6, 12, 0);
const MINUTE = 60_000;

function user(fields: Partial<PresenceSource>): PresenceSource {
  return {
    presence: "offline",
    lastPresenceTs: NOW,
    lastActiveAgo: undefined,
    currentlyActive: false,
    ...fields,
  };
}

const labelOf = (fields: Partial<PresenceSource>, now = NOW) => {
  const presence = presenceOf(user(fields));
  return presence && presenceLabel(presence, now);
};

describe("presence", () => {
  it("says Online for someone online, active or not", () => {
    expect(labelOf({ presence: "online", currentlyActive: true })).toBe("Online");
    expect(labelOf({ presence: "online", lastActiveAgo: 3 * MINUTE })).toBe("Online");
    expect(presenceOf(user({ presence: "online" }))?.state).toBe("online");
  });

  it("says away, with how long ago they were active", () => {
    expect(labelOf({ presence: "unavailable", lastActiveAgo: 12 * MINUTE })).toBe(
      "Away, active 12 min ago",
    );
    expect(labelOf({ presence: "unavailable" })).toBe("Away");
    expect(presenceOf(user({ presence: "unavailable" }))?.state).toBe("away");
  });

  it("says when someone offline was last active, else just Offline", () => {
    expect(labelOf({ presence: "offline", lastActiveAgo: 5 * MINUTE })).toBe("Active 5 min ago");
    expect(labelOf({ presence: "offline" })).toBe("Offline");
    expect(presenceOf(user({ presence: "offline" }))?.state).toBe("offline");
  });

  it("counts from when the update arrived, so the label ages", () => {
    const fields = { presence: "offline", lastActiveAgo: 5 * MINUTE };
    expect(labelOf(fields, NOW + 10 * MINUTE)).toBe("Active 15 min ago");
    expect(labelOf(fields, NOW + 3 * 60 * MINUTE)).toBe("Active 3 h ago");
  });

  it("knows nothing until the homeserver has sent a presence update", () => {
    expect(presenceOf(user({ lastPresenceTs: 0 }))).toBeNull();
    expect(presenceOf(null)).toBeNull();
  });

  it("writes how long ago in words", () => {
    expect(timeAgo(20_000)).toBe("just now");
    expect(timeAgo(MINUTE)).toBe("1 min ago");
    expect(timeAgo(59 * MINUTE)).toBe("59 min ago");
    expect(timeAgo(60 * MINUTE)).toBe("1 h ago");
    expect(timeAgo(24 * 60 * MINUTE)).toBe("1 day ago");
    expect(timeAgo(3 * 24 * 60 * MINUTE)).toBe("3 days ago");
  });
});
