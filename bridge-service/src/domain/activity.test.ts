import { describe, expect, it } from "vitest";
import { latestActivityBySender, type SentEvent } from "./activity.js";

const receivedAt = new Date("2024-11-21T10:00:00Z");

function sent(sender: string, eventId: string, sentAt?: string, isStateChange = false): SentEvent {
  return { sender, eventId, sentAt: sentAt ? new Date(sentAt) : undefined, isStateChange };
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
});
