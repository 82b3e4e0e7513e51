import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstGrapheme } from "./graphemes";

describe("firstGrapheme", () => {
  it("keeps an emoji, a flag, a combined accent and a family whole", () => {
    expect(firstGrapheme("👩‍👩‍👧 family")).toBe("👩‍👩‍👧");
    expect(firstGrapheme("🇧🇷 Rio")).toBe("🇧🇷");
    expect(firstGrapheme("e\u0301mile")).toBe("e\u0301");
    expect(firstGrapheme("Ａna")).toBe("Ａ");
    expect(firstGrapheme("ana")).toBe("a");
    expect(firstGrapheme("Ö")).toBe("Ö");
    expect(firstGrapheme("")).toBe("");
  });

  it("agrees with ICU's segmenter on any text", () => {
    const segmenter = new Intl.Segmenter();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite", maxLength: 8 }), fc.string(), (a, b) => {
        const text = a + b;
        const [expected = ""] = Array.from(segmenter.segment(text), (s) => s.segment);
        expect(firstGrapheme(text)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads only the start of a huge name", () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) firstGrapheme(`é${"\u0301".repeat(10)}${"x".repeat(100_000)}`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
