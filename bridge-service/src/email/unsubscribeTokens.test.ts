import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createUnsubscribeTokens, UNSUBSCRIBE_TOKEN_MAX_LENGTH } from "./unsubscribeTokens.js";

const SECRET = "session-secret-0123456789abcdef0123456789";

describe("unsubscribe tokens", () => {
  const tokens = createUnsubscribeTokens(SECRET);

  it("names the learner and kind they were made for", () => {
    const token = tokens.sign("@ana:example.org", "partner");
    expect(tokens.verify(token)).toEqual({ userId: "@ana:example.org", kind: "partner" });
    expect(token.length).toBeLessThan(UNSUBSCRIBE_TOKEN_MAX_LENGTH);
  });

  it("refuses tokens made with another secret, altered payloads and spliced signatures", () => {
    const other = createUnsubscribeTokens(`${SECRET}x`);
    expect(tokens.verify(other.sign("@ana:example.org", "partner"))).toBeUndefined();
    const [, anaSignature] = tokens.sign("@ana:example.org", "partner").split(".");
    const [tomPayload] = tokens.sign("@tom:example.org", "partner").split(".");
    expect(tokens.verify(`${tomPayload}.${anaSignature}`)).toBeUndefined();
    const forged = Buffer.from(JSON.stringify([1, "@victim:example.org", "partner"])).toString(
      "base64url",
    );
    expect(tokens.verify(`${forged}.${anaSignature}`)).toBeUndefined();
  });

  it("refuses any string that is not a token, quickly, including huge ones", () => {
    const started = performance.now();
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        expect(tokens.verify(text)).toBeUndefined();
      }),
    );
    expect(tokens.verify("a".repeat(1_000_000))).toBeUndefined();
    expect(tokens.verify(`${"a".repeat(300)}.${"b".repeat(300)}`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
