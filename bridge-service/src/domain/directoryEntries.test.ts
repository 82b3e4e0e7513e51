import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DirectoryReading,
  entryCandidate,
  type LearnerEvent,
  learnerEntryContent,
  learnerStateKey,
  readLearnerEvent,
  type TrustRule,
} from "./directoryEntries.js";
import { rankCandidates } from "./matching.js";
import type { Profile } from "./profiles.js";

const A = "a.example";
const B = "b.example";
const C = "c.example";
const rule: TrustRule = { botLocalpart: "xstream", partners: new Set([A]) };
const now = new Date("2025-01-15T12:00:00Z");

function profile(userId: string, fields: Partial<Profile> = {}): Profile {
  return {
    userId,
    displayName: "Ana",
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: ["sailing", "jazz"],
    timezone: "Europe/Madrid",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "private",
    discoverable: true,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

const ana = `@ana:${A}`;
const content = () =>
  learnerEntryContent(profile(ana)) as unknown as Record<string, unknown> & {
    interests: unknown[];
  };

/** A learner event for Ana in A's room, sent by A's bot, with `changes` applied. */
function event(changes: Partial<LearnerEvent> = {}): LearnerEvent {
  return {
    sender: `@xstream:${A}`,
    stateKey: learnerStateKey(ana),
    content: content(),
    roomOwner: A,
    ...changes,
  };
}

const ignoredFor = (reading: DirectoryReading) =>
  reading.kind === "ignored" ? reading.reason : reading.kind;

describe("readLearnerEvent: the trust rule", () => {
  it("accepts an entry A's bot published for A's learner in A's room, with only matching fields", () => {
    const reading = readLearnerEvent(event(), rule);
    expect(reading).toEqual({
      kind: "entry",
      entry: {
        userId: ana,
        serverName: A,
        displayName: "Ana",
        native: ["es"],
        learning: [{ language: "en", level: "B1" }],
        interests: ["sailing", "jazz"],
        timezone: "Europe/Madrid",
        availability: [{ day: 2, start: "18:00", end: "21:00" }],
        updatedAt: now,
      },
    });
    // The bio never leaves the organisation.
    expect(JSON.stringify(content())).not.toContain("private");
  });

  it("reads empty content as the learner leaving the directory", () => {
    expect(readLearnerEvent(event({ content: {} }), rule)).toEqual({
      kind: "cleared",
      userId: ana,
    });
  });

  it.each([
    ["a user of C writing for a learner of A", { sender: `@mallory:${C}` }, "forged_sender"],
    ["a user of A who is not A's bot", { sender: `@eve:${A}` }, "forged_sender"],
    ["C's bot writing for a learner of A", { sender: `@xstream:${C}` }, "forged_sender"],
    [
      "A's bot writing for a learner of B",
      { stateKey: learnerStateKey(`@bob:${B}`) },
      "forged_sender",
    ],
    [
      "an unpaired server's bot writing for its own learner, in its own room",
      { sender: `@xstream:${C}`, stateKey: learnerStateKey(`@carol:${C}`), roomOwner: C },
      "not_paired",
    ],
    ["A's bot writing in a room that is not A's directory", { roomOwner: undefined }, "wrong_room"],
    ["A's bot writing in B's directory", { roomOwner: B }, "wrong_room"],
    ["a state key without the learner: prefix", { stateKey: ana }, "bad_state_key"],
    ["a state key that is no user id", { stateKey: "learner:ana" }, "bad_state_key"],
    ["an empty state key", { stateKey: "" }, "bad_state_key"],
  ] as const)("ignores %s", (_what, changes, reason) => {
    expect(ignoredFor(readLearnerEvent(event(changes), rule))).toBe(reason);
  });

  it("ignores a learner of A published by a bot with another localpart", () => {
    const other = readLearnerEvent(event(), { ...rule, botLocalpart: "otherbot" });
    expect(ignoredFor(other)).toBe("forged_sender");
  });
});

describe("readLearnerEvent: hostile content", () => {
  const withContent = (changes: Record<string, unknown>) =>
    ignoredFor(readLearnerEvent(event({ content: { ...content(), ...changes } }), rule));

  it.each([
    ["a million interests", { interests: Array.from({ length: 1_000_000 }, () => "x") }],
    ["six native languages", { native: ["es", "en", "fr", "de", "it", "pt"] }],
    ["a 100 kB display name", { display_name: "n".repeat(100_000) }],
    ["a 100 kB time zone", { timezone: "Europe/".repeat(15_000) }],
    ["a 100 kB language code", { native: ["e".repeat(100_000)] }],
  ])("refuses %s by its size, without reading it", (_what, changes) => {
    expect(withContent(changes)).toBe("too_large");
  });

  it.each([
    ["no lists at all", { native: undefined }],
    ["a string where a list belongs", { learning: "en B1" }],
    [
      "nested objects as languages",
      { learning: [{ language: { deep: [[["en"]]] }, level: "B1" }] },
    ],
    ["an unknown language", { native: ["klingon-xx-yy"] }],
    ["an unknown level", { learning: [{ language: "en", level: "Z9" }] }],
    ["a time zone that does not exist", { timezone: "Mars/Olympus" }],
    [
      "a window that ends before it starts",
      { availability: [{ day: 1, start: "20:00", end: "18:00" }] },
    ],
    ["a day that does not exist", { availability: [{ day: 9, start: "18:00", end: "20:00" }] }],
    ["a control character in the name", { display_name: "Ana\u0000" }],
    ["an empty name", { display_name: "   " }],
    ["no updated time", { updated_at: "yesterday" }],
    ["an updated time years ahead", { updated_at: Date.now() + 365 * 86_400_000 }],
    ["no language learnt", { learning: [] }],
    ["a language both native and learnt", { learning: [{ language: "es", level: "B1" }] }],
  ])("refuses %s as malformed", (_what, changes) => {
    expect(withContent(changes)).toBe("malformed");
  });

  it("reads 2,000 hostile entries in well under a second", () => {
    const hostile = [
      { interests: Array.from({ length: 100_000 }, (_, i) => `i${i}`) },
      { display_name: "n".repeat(60_000) },
      { learning: Array.from({ length: 3 }, () => ({ language: "en".repeat(100), level: "B1" })) },
      { native: [[[[[[[[[["es"]]]]]]]]]] },
    ];
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) {
      withContent(hostile[i % hostile.length] ?? {});
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("never throws on any content, and accepts nothing the profile rules would refuse", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (random) => {
        const reading = readLearnerEvent(event({ content: { ...content(), ...random } }), rule);
        if (reading.kind === "entry") {
          expect(reading.entry.native.length).toBeGreaterThan(0);
          expect(reading.entry.interests.length).toBeLessThanOrEqual(20);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("remote entries in matching", () => {
  const me = {
    profile: profile(`@me:${B}`, {
      native: ["en"],
      learning: [{ language: "es", level: "B1" }],
      interests: ["sailing"],
      timezone: "Europe/Madrid",
    }),
    signals: { pendingIncoming: 0 },
  };

  it("ranks a partner's learner like a local one and names their organisation", () => {
    const reading = readLearnerEvent(event(), rule);
    if (reading.kind !== "entry") throw new Error("the entry should be read");
    const remote = entryCandidate(reading.entry, "Escuela Madrid", 0);
    // As active as the entry's updated time says the remote learner was.
    const local = {
      profile: profile(`@ana:${B}`),
      signals: { pendingIncoming: 0, lastActiveAt: now },
    };
    const [fromPartner, fromHere] = [
      rankCandidates(me, [remote], { now, limit: 5 })[0],
      rankCandidates(me, [local], { now, limit: 5 })[0],
    ];
    expect(fromPartner?.organisation).toBe("Escuela Madrid");
    expect(fromPartner?.summary).toBe(
      "native Spanish, learning English B1 · from Escuela Madrid · 3 h overlap a week · both like sailing",
    );
    expect(fromHere?.organisation).toBeUndefined();
    expect(fromHere?.summary).not.toContain("from");
    // Same profile, same score: nothing is gained or lost by belonging to a partner.
    expect(fromPartner?.score).toBeCloseTo(fromHere?.score ?? -1, 10);
  });

  it("applies the same exclusions and attention bound to remote entries", () => {
    const reading = readLearnerEvent(event(), rule);
    if (reading.kind !== "entry") throw new Error("the entry should be read");
    const busy = entryCandidate(reading.entry, "Escuela Madrid", 10);
    expect(rankCandidates(me, [busy], { now, limit: 5 })).toEqual([]);
    const free = entryCandidate(reading.entry, "Escuela Madrid", 0);
    expect(rankCandidates(me, [free], { now, limit: 5, excludedUserIds: new Set([ana]) })).toEqual(
      [],
    );
  });
});
