// Property tests: what a partner sends costs the reader's tab time in proportion to its size.
// Bounds are CPU time in jsdom, which is several times slower than a browser's own parser.
import { render } from "@testing-library/react";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastestMs, hostileCorpus, hostileText } from "../../test/hostileInput";
import { correctionDiff } from "../corrections";
import { htmlShape } from "./htmlShape";
import { textSegments } from "./linkify";
import { MessageBody } from "./MessageBody";
import { HTML_LIMITS, sanitizeMessageHtml } from "./sanitizeHtml";

/**
 * The most rendering one message may cost, fastest of three runs, in jsdom (a JavaScript DOM
 * several times slower than a browser's). Before the limits, 2,700 nested divs took 2.7 s.
 */
const RENDER_BUDGET_MS = 250;
/** Text work without the DOM (links, mentions, the correction diff). */
const TEXT_BUDGET_MS = 50;

const ME = "@me:example.org";
const MENTION_NAMES = ["Me Myself", ME];

const TEXT_FRAGMENTS = [
  "https://example.org/",
  "http://",
  ".,;:!?'\")]}",
  "(",
  ")",
  "/",
  " ",
  "\n",
  "> ",
  "Me Myself",
  "Me ",
  "@me:example.org",
  "a",
  "é",
  "\u200b",
];

const HTML_FRAGMENTS = [
  '<a href="x" ',
  '<a href="https://matrix.to/#/@me:example.org">',
  "</a>",
  "<b>",
  "<div>",
  "<blockquote>",
  "<mx-reply>",
  "</mx-reply>",
  "<br>",
  "<",
  '"',
  "&amp;",
  "<!--",
  "<img src=x onerror=alert(1)>",
];

function renderBody(text: string, html: string | null) {
  const { unmount } = render(
    <MessageBody
      body={{ kind: "text", msgtype: "text", text, html }}
      senderName="Partner"
      myUserId={ME}
      mentionNames={MENTION_NAMES}
    />,
  );
  unmount();
}

const corpus = hostileCorpus();

describe("the client's rendering of hostile messages", () => {
  it("shares the corpus with the bridge, the issue 11 message included", () => {
    expect(corpus.find((item) => item.name === "issue-11-a-href.html")?.text).toBe(
      '<a href="x" '.repeat(2_000),
    );
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((item) => [item.name, item] as const))(
    "renders %s within the budget",
    (_name, item) => {
      const ms =
        item.kind === "html"
          ? fastestMs(() => renderBody("plain fallback", item.text))
          : fastestMs(() => renderBody(item.text, null));
      expect(ms).toBeLessThan(RENDER_BUDGET_MS);
    },
  );

  it("shows HTML too large, too deep or with too many attributes as its plain body", () => {
    const attributes = Array.from({ length: HTML_LIMITS.attributes + 1 }, (_, i) => `a${i}`);
    expect(sanitizeMessageHtml(`<b ${attributes.join(" ")}>x</b>`)).toBeNull();
    expect(sanitizeMessageHtml("<div>".repeat(HTML_LIMITS.depth + 1))).toBeNull();
    expect(sanitizeMessageHtml(`${"<div>".repeat(HTML_LIMITS.depth)}deep enough`)).toContain(
      "deep enough",
    );
    expect(sanitizeMessageHtml("<br>".repeat(HTML_LIMITS.depth * 2))).not.toBeNull();
    const html = "<b>x</b>".repeat(HTML_LIMITS.elements + 1);
    expect(sanitizeMessageHtml(html)).toBeNull();
    const { container } = render(
      <MessageBody
        body={{ kind: "text", msgtype: "text", text: "the plain body", html }}
        senderName="Partner"
        myUserId={ME}
        mentionNames={MENTION_NAMES}
      />,
    );
    expect(container.textContent).toBe("the plain body");
    expect(container.querySelector("b")).toBeNull();
  });

  it("splits any text up to 64 KB into links and mentions within the budget, losing nothing", () => {
    fc.assert(
      fc.property(hostileText(TEXT_FRAGMENTS), (text) => {
        let segments: ReturnType<typeof textSegments> = [];
        const ms = fastestMs(() => {
          segments = textSegments(text, MENTION_NAMES);
        });
        expect(ms).toBeLessThan(TEXT_BUDGET_MS);
        expect(segments.map((segment) => segment.text).join("")).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it("sanitises any HTML up to 64 KB within the budget", () => {
    fc.assert(
      fc.property(hostileText(HTML_FRAGMENTS), (html) => {
        let safe: string | null = null;
        const ms = fastestMs(() => {
          safe = sanitizeMessageHtml(html, ME);
        });
        expect(ms).toBeLessThan(RENDER_BUDGET_MS);
        expect(safe ?? "").not.toMatch(/<img|onerror|<mx-reply/i);
      }),
      { numRuns: 60 },
    );
  });

  it("diffs any two texts up to 64 KB within the budget, keeping both texts whole", () => {
    const words = hostileText(["word ", "other ", "a", " ", "\n", ".", "déjà ", "x"]);
    fc.assert(
      fc.property(words, words, fc.boolean(), (original, other, similar) => {
        // Half the cases correct a long message in one place, half compare unrelated texts.
        const corrected = similar
          ? `${original.slice(0, original.length >> 1)}fix ${original.slice(original.length >> 1)}`
          : other;
        let segments: ReturnType<typeof correctionDiff> = [];
        const ms = fastestMs(() => {
          segments = correctionDiff(original, corrected);
        });
        expect(ms).toBeLessThan(TEXT_BUDGET_MS);
        const text = (kinds: string[]) =>
          segments
            .filter((segment) => kinds.includes(segment.kind))
            .map((segment) => segment.text)
            .join("");
        expect(text(["same", "removed"])).toBe(original);
        expect(text(["same", "added"])).toBe(corrected);
      }),
      { numRuns: 100 },
    );
  });
});

describe("htmlShape", () => {
  it("counts elements, nesting and attributes as browsers would build them", () => {
    expect(htmlShape('<p>a <b title="x" class="y">b</b><br>c</p>')).toEqual({
      elements: 3,
      depth: 2,
      attributes: 2,
    });
    // <style> inside SVG holds tags, not text: they count.
    expect(htmlShape("<svg><style><div><div>").depth).toBe(4);
    expect(htmlShape("<textarea><div><div></textarea>").elements).toBe(1);
  });
});
