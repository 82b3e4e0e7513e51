import type { MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { countUnread } from "./slidingUnread";

type Fake = { id: string; sender: string; notify?: boolean; highlight?: boolean };

function roomWith(events: Fake[], readUpTo: string | null) {
  const readIndex = events.findIndex((event) => event.id === readUpTo);
  const matrixEvents = events.map(
    (event) => ({ getId: () => event.id, getSender: () => event.sender, fake: event }) as unknown,
  ) as MatrixEvent[];
  return {
    getLiveTimeline: () => ({ getEvents: () => matrixEvents }),
    hasUserReadEvent: (_userId: string, eventId: string) =>
      events.findIndex((event) => event.id === eventId) <= readIndex,
  } as unknown as Pick<Room, "getLiveTimeline" | "hasUserReadEvent">;
}

const actionsFor = (event: MatrixEvent) => {
  const fake = (event as unknown as { fake: Fake }).fake;
  return { notify: fake.notify ?? false, tweaks: { highlight: fake.highlight ?? false } };
};

describe("countUnread", () => {
  it("counts notifying events after my read receipt, and mentions among them", () => {
    const room = roomWith(
      [
        { id: "$1", sender: "@ana:hs", notify: true },
        { id: "$2", sender: "@ana:hs", notify: true },
        { id: "$3", sender: "@ana:hs", notify: true, highlight: true },
        { id: "$4", sender: "@ana:hs", notify: false },
        { id: "$5", sender: "@ana:hs", notify: true },
      ],
      "$1",
    );
    expect(countUnread(room, "@me:hs", actionsFor)).toEqual({ total: 3, highlight: 1 });
  });

  it("stops at my own message, which says I read what came before", () => {
    const room = roomWith(
      [
        { id: "$1", sender: "@ana:hs", notify: true },
        { id: "$2", sender: "@me:hs", notify: false },
        { id: "$3", sender: "@ana:hs", notify: true },
      ],
      null,
    );
    expect(countUnread(room, "@me:hs", actionsFor)).toEqual({ total: 1, highlight: 0 });
  });

  it("is nothing when everything is read", () => {
    const room = roomWith([{ id: "$1", sender: "@ana:hs", notify: true }], "$1");
    expect(countUnread(room, "@me:hs", actionsFor)).toEqual({ total: 0, highlight: 0 });
  });
});
