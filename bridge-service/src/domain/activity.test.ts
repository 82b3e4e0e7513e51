import { describe, expect, it } from "vitest";
import { activityTime, latestActivityBySender, type SentEvent } from "./activity.js";

const receivedAt = new Date("2024-11-21T10:00:00Z");

function sent(sender: string, eventId: string, sentAt?: string, isStateChange = false): SentEvent {
  return { sender, eventId, sentAtMs: sentAt ? Date.parse(sentAt) : undefined, isStateChange };
}

describe("latestActivityBySender", () => {
  it("keeps the newest event per sender, whatever the order", () => {
    const activity = latestActivityBySender(
      [
        sent("@ana:x", "$2", "2024-11-21T09:30:00Z"),
        sent("@ana:x", "$1", "2024-11-21T09:00:00Z"),
        sent("@ben:x", "$3", "2024-11-21T09:10:00Z"),
      ],
      receivedAt,
    );
    expect(activity).toEqual([
      { userId: "@ana:x", lastActiveAt: new Date("2024-11-21T09:30:00Z"), lastEventId: "$2" },
      { userId: "@ben:x", lastActiveAt: new Date("2024-11-21T09:10:00Z"), lastEventId: "$3" },
    ]);
  });

  it("ignores state changes and dates untimed events at reception", () => {
    const activity = latestActivityBySender(
      [sent("@ana:x", "$join", "2024-11-21T09:59:00Z", true), sent("@ben:x", "$msg")],
      receivedAt,
    );
    expect(activity).toEqual([{ userId: "@ben:x", lastActiveAt: receivedAt, lastEventId: "$msg" }]);
  });

  it("dates a message from the future at its reception, so nobody is pinned on top", () => {
    const activity = latestActivityBySender(
      [
        {
          sender: "@liar:remote",
          eventId: "$f",
          sentAtMs: Date.parse("2099-01-01"),
          isStateChange: false,
        },
        sent("@ana:x", "$a", "2024-11-21T09:59:59Z"),
      ],
      receivedAt,
    );
    expect(activity).toEqual([
      { userId: "@liar:remote", lastActiveAt: receivedAt, lastEventId: "$f" },
      { userId: "@ana:x", lastActiveAt: new Date("2024-11-21T09:59:59Z"), lastEventId: "$a" },
    ]);
  });
});

describe("activityTime", () => {
  it("keeps a past timestamp and clamps one from the future to the reception time", () => {
    const oneSecondBefore = receivedAt.getTime() - 1_000;
    expect(activityTime(oneSecondBefore, receivedAt)).toEqual(new Date(oneSecondBefore));
    expect(activityTime(receivedAt.getTime() + 1, receivedAt)).toEqual(receivedAt);
  });

  it.each([
    ["missing", undefined, receivedAt],
    ["past JavaScript's last date (2^53, valid canonical JSON)", 2 ** 53, receivedAt],
    ["infinite", Number.POSITIVE_INFINITY, receivedAt],
    ["not a number", Number.NaN, receivedAt],
    ["before 1970 (and before PostgreSQL's first date)", -(2 ** 53), new Date(0)],
  ])("makes a storable date of a %s timestamp", (_what, sentAtMs, expected) => {
    const at = activityTime(sentAtMs, receivedAt);
    expect(at).toEqual(expected);
    expect(Number.isNaN(at.getTime())).toBe(false);
  });
});
