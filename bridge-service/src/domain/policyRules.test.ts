import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BAN_RECOMMENDATION,
  banMatcher,
  compileGlob,
  MAX_PATTERN_TOKENS,
  type PolicyTrust,
  type RuleEvent,
  readUserRule,
} from "./policyRules.js";

const B = "b.example";
const A = "a.example";
const trust: PolicyTrust = { botLocalpart: "xstream", partners: new Set([B]) };
const rule = (content: Record<string, unknown>, fields: Partial<RuleEvent> = {}): RuleEvent => ({
  sender: `@xstream:${B}`,
  stateKey: "rule:x",
  content,
  roomOwner: B,
  ...fields,
});
const ban = (entity: unknown) => ({ entity, recommendation: BAN_RECOMMENDATION, reason: "spam" });

/** The same glob by a regular expression built from escaped input: a reference, for tests only. */
function referenceGlob(pattern: string, text: string): boolean {
  const source = [...pattern]
    .map((char) =>
      char === "*" ? "[^]*" : char === "?" ? "[^]" : char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`, "u").test(text);
}

describe("readUserRule", () => {
  it("believes a ban of the room owner's own user, sent by its bot", () => {
    expect(readUserRule(rule(ban(`@mallory:${B}`)), trust)).toEqual({
      kind: "rule",
      rule: { serverName: B, stateKey: "rule:x", entity: `@mallory:${B}`, reason: "spam" },
    });
    expect(readUserRule(rule(ban(`@spam*:${B}`)), trust).kind).toBe("rule");
  });

  it("lifts the rule on empty content", () => {
    expect(readUserRule(rule({}), trust)).toEqual({
      kind: "removed",
      serverName: B,
      stateKey: "rule:x",
    });
  });

  it("ignores forged senders, unpaired servers and other rooms", () => {
    const reasonOf = (event: RuleEvent) => {
      const reading = readUserRule(event, trust);
      return reading.kind === "ignored" ? reading.reason : reading.kind;
    };
    expect(reasonOf(rule(ban(`@ana:${B}`), { sender: `@mallory:${B}` }))).toBe("forged_sender");
    expect(reasonOf(rule(ban(`@ana:${B}`), { sender: `@xstream:${A}` }))).toBe("forged_sender");
    expect(reasonOf(rule(ban(`@ana:${B}`), { roomOwner: undefined }))).toBe("wrong_room");
    expect(
      reasonOf(
        rule(ban("@ana:c.example"), { sender: "@xstream:c.example", roomOwner: "c.example" }),
      ),
    ).toBe("not_paired");
    // A forged removal lifts nothing either.
    expect(reasonOf(rule({}, { sender: `@mallory:${B}` }))).toBe("forged_sender");
  });

  it("refuses rules about another server's users, including patterns that could reach them", () => {
    for (const entity of [
      `@ana:${A}`,
      "@*:*",
      `@*:${B}.evil`,
      `@*:*${B}`,
      `@x:y:${B}`,
      "@*:localhost",
      `@ana:${B}:443`,
    ]) {
      const reading = readUserRule(rule(ban(entity)), trust);
      expect(["other_server", "malformed"], entity).toContain(
        reading.kind === "ignored" ? reading.reason : reading.kind,
      );
    }
  });

  it("refuses huge, nested and malformed content cheaply, and says the key's old rule is gone", () => {
    const hostile: Record<string, unknown>[] = [
      ban({ nested: [[[[[`@a:${B}`]]]]] }),
      ban(Array.from({ length: 100_000 }, () => `@a:${B}`)),
      ban(`@${"a".repeat(1_000_000)}:${B}`),
      { ...ban(`@a:${B}`), reason: "r".repeat(100_000) },
      { ...ban(`@a:${B}`), reason: { deep: true } },
      { entity: `@a:${B}` },
      { ...ban(`@a:${B}`), recommendation: "org.example.shrug" },
      ban(`@a b:${B}`),
      ban(`@${"?".repeat(MAX_PATTERN_TOKENS + 1)}:${B}`),
      ban(`ana:${B}`),
    ];
    const started = performance.now();
    for (const content of hostile) {
      const reading = readUserRule(rule(content), trust);
      expect(reading.kind).toBe("ignored");
      expect(reading.kind === "ignored" && reading.replaces).toEqual({
        serverName: B,
        stateKey: "rule:x",
      });
    }
    expect(performance.now() - started).toBeLessThan(200);
    const huge = readUserRule(rule(ban(`@a:${B}`), { stateKey: "k".repeat(100_000) }), trust);
    expect(huge).toEqual({ kind: "ignored", reason: "too_large" });
  });
});

describe("compileGlob", () => {
  it("matches like the reference: * any run, ? one character, everything else literally", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab*?.()[\]\\+é]{0,12}$/u),
        fc.stringMatching(/^[ab.()[\]\\+é]{0,16}$/u),
        (pattern, text) => {
          expect(compileGlob(pattern)(text)).toBe(referenceGlob(pattern, text));
        },
      ),
      { numRuns: 500 },
    );
    expect(compileGlob("spam*")("spammer")).toBe(true);
    expect(compileGlob("spam*")("ham")).toBe(false);
    expect(compileGlob("a?c")("abc")).toBe(true);
    expect(compileGlob("a.c")("abc")).toBe(false);
  });

  it("uses several words of state for a long pattern", () => {
    const pattern = `${"a?".repeat(30)}*z`;
    expect(compileGlob(pattern)(`${"ab".repeat(30)}xyz`)).toBe(true);
    expect(compileGlob(pattern)(`${"ab".repeat(29)}xyz`)).toBe(false);
  });

  it("takes linear time on patterns that make backtracking matchers explode", () => {
    const pattern = `${"*a".repeat(MAX_PATTERN_TOKENS - 1)}*b`;
    const matches = compileGlob(pattern);
    const text = "a".repeat(255);
    const started = performance.now();
    for (let i = 0; i < 200; i++) expect(matches(text)).toBe(false);
    // A backtracking matcher would not finish this once; here 200 rounds fit in a second.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("banMatcher", () => {
  it("bans exact ids and patterns of the one server only", () => {
    const banned = banMatcher(B, [{ entity: `@mallory:${B}` }, { entity: `@spam*:${B}` }]);
    expect(banned(`@mallory:${B}`)).toBe(true);
    expect(banned(`@spammer:${B}`)).toBe(true);
    expect(banned(`@ana:${B}`)).toBe(false);
    expect(banned(`@spammer:${A}`)).toBe(false);
    expect(banned(`@mallory:${A}`)).toBe(false);
  });
});
