import type { MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { eventByRowKey, localEchoesOf, pendingEventsOf } from "./pendingEvents";

const echo = { status: "not_sent" } as unknown as MatrixEvent;
const received = { status: null } as unknown as MatrixEvent;

const detached = {
  getPendingEvents: () => [echo],
  getLiveTimeline: () => ({ getEvents: () => [received] }),
} as unknown as Room;

// Like the SDK's Room when the client keeps local echoes in the timeline.
const chronological = {
  getPendingEvents: () => {
    throw new Error("Cannot call getPendingEvents with pendingEventOrdering == chronological");
  },
  getLiveTimeline: () => ({ getEvents: () => [received, echo] }),
} as unknown as Room;

describe("pendingEventsOf", () => {
  it("is the room's pending list when local echoes are detached", () => {
    expect(pendingEventsOf(detached)).toEqual([echo]);
  });

  it("is empty when local echoes sit in the timeline, so none is shown twice", () => {
    expect(pendingEventsOf(chronological)).toEqual([]);
  });
});

describe("localEchoesOf", () => {
  it("finds local echoes wherever the client keeps them", () => {
    expect(localEchoesOf(detached)).toEqual([echo]);
    expect(localEchoesOf(chronological)).toEqual([received, echo]);
  });
});

describe("eventByRowKey", () => {
  const sending = { getId: () => undefined, getTxnId: () => "m1" } as unknown as MatrixEvent;
  const sent = { getId: () => "$a", getTxnId: () => "m0" } as unknown as MatrixEvent;
  const room = {
    getPendingEvents: () => [sending],
    getLiveTimeline: () => ({ getEvents: () => [sent] }),
  } as unknown as Room;

  it("finds our unconfirmed event by transaction id and others by event id", () => {
    expect(eventByRowKey(room, "m1")).toBe(sending);
    expect(eventByRowKey(room, "$a")).toBe(sent);
    expect(eventByRowKey(room, "m0")).toBeUndefined();
  });
});
