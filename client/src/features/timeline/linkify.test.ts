import { describe, expect, it } from "vitest";
import { textSegments } from "./linkify";

describe("textSegments", () => {
  it("makes http and https addresses links, leaving trailing punctuation out", () => {
    expect(textSegments("See https://example.org/a?b=1, or http://x.test.")).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", text: "https://example.org/a?b=1", href: "https://example.org/a?b=1" },
      { kind: "text", text: ", or " },
      { kind: "link", text: "http://x.test", href: "http://x.test" },
      { kind: "text", text: "." },
    ]);
  });

  it("keeps a parenthesis that belongs to the address", () => {
    const [link] = textSegments("https://en.wikipedia.org/wiki/Bee_(disambiguation)");
    expect(link).toMatchObject({
      kind: "link",
      href: "https://en.wikipedia.org/wiki/Bee_(disambiguation)",
    });
  });

  it("links nothing else: javascript:, ftp:, bare domains", () => {
    const segments = textSegments("javascript:alert(1) ftp://a.b example.org");
    expect(segments.every((segment) => segment.kind === "text")).toBe(true);
  });

  it("marks whole-word mentions of the reader", () => {
    expect(textSegments("hi ana, anaconda", ["Ana"])).toEqual([
      { kind: "text", text: "hi " },
      { kind: "mention", text: "ana" },
      { kind: "text", text: ", anaconda" },
    ]);
  });
});
