import { describe, expect, it } from "vitest";
import { aggregateReactions, reactionLabel, reactionToggle } from "./reactions";

const ME = "@me:x";
const ana = { userId: "@ana:x", name: "Ana" };
const ben = { userId: "@ben:x", name: "Ben" };
const me = { userId: ME, name: "Me" };

describe("reactions", () => {
  const groups = aggregateReactions(
    [
      { targetId: "$m", key: "👍", sender: ana, eventId: "$r1" },
      { targetId: "$m", key: "🎉", sender: me, eventId: "$r2" },
      { targetId: "$m", key: "👍", sender: ben, eventId: "$r3" },
      { targetId: "$m", key: "👍", sender: ana, eventId: "$r4" },
      { targetId: "$m", key: "😂", sender: me, eventId: null },
    ],
    ME,
  );

  it("groups by key in order of appearance, counting each person once", () => {
    expect(groups).toEqual([
      { key: "👍", senders: [ana, ben], mine: null },
      { key: "🎉", senders: [me], mine: "$r2" },
      { key: "😂", senders: [me], mine: "pending" },
    ]);
  });

  it("says who reacted", () => {
    expect(groups.map((group) => reactionLabel(group, ME))).toEqual([
      "👍 2 reactions from Ana and Ben",
      "🎉 1 reaction from you",
      "😂 1 reaction from you",
    ]);
  });

  it("toggles: sends a new reaction, takes ours back, waits while ours is sending", () => {
    expect(reactionToggle(groups, "👍")).toEqual({ action: "send", key: "👍" });
    expect(reactionToggle(groups, "❤️")).toEqual({ action: "send", key: "❤️" });
    expect(reactionToggle(groups, "🎉")).toEqual({ action: "redact", eventId: "$r2" });
    expect(reactionToggle(groups, "😂")).toEqual({ action: "wait" });
  });
});
