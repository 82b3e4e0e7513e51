import { describe, expect, it } from "vitest";
import {
  ACCEPTED_EVENT,
  AVAILABLE_EVENT,
  DECLINED_EVENT,
  type OrgRequestEvent,
  type OrgRequestRule,
  REQUEST_EVENT,
  readOrgRequestEvent,
  UNAVAILABLE_EVENT,
  WITHDRAWN_EVENT,
} from "./orgRequestEvents.js";

const A = "a.example";
const B = "b.example";
const C = "c.example";
// We are B; A is a live partner, C is not.
const rule: OrgRequestRule = { botLocalpart: "xstream", ownServer: B, partners: new Set([A]) };
const ID = "0b6f3c1e-6a5d-4c3f-9d5e-2f1a7b8c9d0e";
const profile = {
  display_name: "Ana",
  native: ["es"],
  learning: [{ language: "en", level: "B1" }],
  interests: ["sailing"],
  timezone: "Europe/Madrid",
  availability: [{ day: 2, start: "18:00", end: "21:00" }],
  updated_at: Date.UTC(2025, 0, 1),
};
const request = (overrides: Partial<OrgRequestEvent> = {}, content = {}): OrgRequestEvent => ({
  type: REQUEST_EVENT,
  sender: `@xstream:${A}`,
  roomPartner: A,
  content: {
    request_id: ID,
    requester: `@ana:${A}`,
    recipient: `@bob:${B}`,
    requester_profile: profile,
    ...content,
  },
  ...overrides,
});
const read = (event: OrgRequestEvent) => readOrgRequestEvent(event, rule);
const reason = (event: OrgRequestEvent) => {
  const reading = read(event);
  return reading.kind === "ignored" ? reading.reason : reading.kind;
};

/** Reads `event` and checks it took less than `ms`: hostile content must not hold the loop. */
function readWithin(event: OrgRequestEvent, ms: number) {
  const started = performance.now();
  const reading = read(event);
  expect(performance.now() - started).toBeLessThan(ms);
  return reading;
}

describe("reading a partner's request events", () => {
  it("believes a request from the partner's bot, in its room, for one of our learners", () => {
    const reading = read(request());
    expect(reading).toMatchObject({
      kind: "request",
      requestId: ID,
      recipient: `@bob:${B}`,
      requester: { userId: `@ana:${A}`, displayName: "Ana", native: ["es"], serverName: A },
    });
  });

  it("reads answers and the generic 'not available'", () => {
    const answer = (type: string, content: Record<string, unknown>) =>
      read({ type, sender: `@xstream:${A}`, roomPartner: A, content });
    expect(answer(ACCEPTED_EVENT, { request_id: ID, room_id: `!room:${A}` })).toEqual({
      kind: "accepted",
      requestId: ID,
      roomId: `!room:${A}`,
    });
    expect(answer(DECLINED_EVENT, { request_id: ID })).toEqual({ kind: "declined", requestId: ID });
    expect(answer(WITHDRAWN_EVENT, { request_id: ID })).toEqual({
      kind: "withdrawn",
      requestId: ID,
    });
    expect(answer(UNAVAILABLE_EVENT, { user: `@ana:${A}`, other: `@bob:${B}` })).toEqual({
      kind: "unavailable",
      user: `@ana:${A}`,
      other: `@bob:${B}`,
      temporary: false,
    });
    expect(
      answer(UNAVAILABLE_EVENT, { user: `@ana:${A}`, other: `@bob:${B}`, temporary: true }),
    ).toMatchObject({ kind: "unavailable", temporary: true });
    expect(answer(AVAILABLE_EVENT, { user: `@ana:${A}`, other: `@bob:${B}` })).toEqual({
      kind: "available",
      user: `@ana:${A}`,
      other: `@bob:${B}`,
      temporary: false,
    });
    expect(
      answer(AVAILABLE_EVENT, { user: `@ana:${A}`, other: `@bob:${B}`, temporary: { no: 1 } }),
    ).toEqual({ kind: "ignored", reason: "malformed" });
    expect(reason({ ...request(), type: ACCEPTED_EVENT, content: { request_id: ID } })).toBe(
      "malformed",
    );
  });

  it("ignores anyone but the partner's bot, unpaired servers and other rooms", () => {
    expect(reason(request({ sender: `@eve:${A}` }))).toBe("forged_sender");
    expect(reason(request({ sender: `@xstream:${B}` }))).toBe("forged_sender");
    expect(reason(request({ sender: "not a user id" }))).toBe("forged_sender");
    expect(reason(request({ sender: `@xstream:${C}`, roomPartner: C }, {}))).toBe("not_paired");
    expect(reason(request({ roomPartner: undefined }))).toBe("wrong_room");
    expect(reason(request({ roomPartner: C }))).toBe("wrong_room");
  });

  it("lets a bot speak only for its own server's learners, and only to ours", () => {
    expect(reason(request({}, { requester: `@mallory:${C}` }))).toBe("forged_sender");
    expect(reason(request({}, { recipient: `@someone:${C}` }))).toBe("wrong_recipient");
    expect(
      reason({
        type: UNAVAILABLE_EVENT,
        sender: `@xstream:${A}`,
        roomPartner: A,
        content: { user: `@x:${C}`, other: `@bob:${B}` },
      }),
    ).toBe("forged_sender");
    // "Available" follows the same rule: their learner, ours, from their bot in their room.
    const available = (overrides: Partial<OrgRequestEvent>, content: Record<string, unknown>) =>
      reason({
        type: AVAILABLE_EVENT,
        sender: `@xstream:${A}`,
        roomPartner: A,
        content: { user: `@ana:${A}`, other: `@bob:${B}`, ...content },
        ...overrides,
      });
    expect(available({}, { user: `@x:${C}` })).toBe("forged_sender");
    expect(available({ sender: `@ana:${A}` }, {})).toBe("forged_sender");
    expect(available({}, { other: `@x:${C}` })).toBe("wrong_recipient");
    expect(available({ roomPartner: undefined }, {})).toBe("wrong_room");
    expect(available({ sender: `@xstream:${C}`, roomPartner: C }, { user: `@x:${C}` })).toBe(
      "not_paired",
    );
    expect(available({}, { user: `@${"a".repeat(100_000)}:${A}` })).toBe("too_large");
  });

  it("refuses malformed and oversized content, each read in bounded time", () => {
    expect(reason(request({}, { request_id: "not-a-uuid" }))).toBe("malformed");
    expect(reason(request({}, { request_id: "x".repeat(1_000_000) }))).toBe("too_large");
    expect(reason(request({}, { request_id: { nested: [[[[[[]]]]]] } }))).toBe("malformed");
    expect(reason(request({}, { requester: `@${"a".repeat(100_000)}:${A}` }))).toBe("too_large");
    expect(reason(request({}, { requester_profile: [] }))).toBe("malformed");
    expect(reason(request({}, { requester_profile: {} }))).toBe("malformed");
    expect(
      reason(request({}, { requester_profile: { ...profile, timezone: "Mars/Olympus" } })),
    ).toBe("malformed");

    const huge = readWithin(
      request(
        {},
        {
          requester_profile: {
            ...profile,
            interests: Array.from({ length: 1_000_000 }, (_, i) => `i${i}`),
          },
        },
      ),
      50,
    );
    expect(huge).toEqual({ kind: "ignored", reason: "too_large" });

    // 10,000 levels of nesting where a language should be.
    let deep: unknown = "en";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const nested = readWithin(
      request(
        {},
        { requester_profile: { ...profile, learning: [{ language: deep, level: "B1" }] } },
      ),
      50,
    );
    expect(nested).toEqual({ kind: "ignored", reason: "malformed" });

    const longName = readWithin(
      request({}, { requester_profile: { ...profile, display_name: "x".repeat(5_000_000) } }),
      50,
    );
    expect(longName).toEqual({ kind: "ignored", reason: "too_large" });
  });
});
