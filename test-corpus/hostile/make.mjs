// Writes the hostile-input corpus next to this file: `node test-corpus/hostile/make.mjs`.
// Each file is one message as another user could send it: `.html` files are a
// `formatted_body`, `.txt` files a plain `body`. All stay within Matrix's 64 KB event size.
import { writeFileSync } from "node:fs";

const KB64 = 65_000;
const fill = (unit, size = KB64) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const words = (count, word) => Array.from({ length: count }, (_, i) => `${word}${i}`).join(" ");

const files = {
  // The message from issue 11 that froze the bridge for minutes.
  "issue-11-a-href.html": '<a href="x" '.repeat(2_000),
  "a-href-64k.html": fill('<a href="x" '),
  "a-href-unclosed-quote.html": `<a href="${fill("x", KB64 - 20)}`,
  "a-single-quote-runs.html": fill("<a href='x' href='"),
  "links-closed.html": fill('<a href="https://matrix.to/#/@a:b">x</a>'),
  "links-nested.html": fill('<a href="https://example.org/">'),
  "open-tags.html": fill("<b>"),
  "open-then-wrong-closes.html": "<b>".repeat(10_000) + "</i>".repeat(8_700),
  "deep-divs.html": fill("<div>"),
  "deep-lists.html": fill("<ul><li>"),
  "deep-tables.html": fill("<table><tr><td>"),
  "deep-blockquotes.html": fill("<blockquote>"),
  "mx-reply-unclosed.html": fill("<mx-reply>"),
  "mx-reply-many.html": fill("<mx-reply>x</mx-reply>"),
  "attributes-many.html":
    `<a ${Array.from({ length: 6_000 }, (_, i) => `a${i}="v"`).join(" ")}>`.slice(0, KB64),
  "attributes-repeated-href.html": `<a ${fill('href="https://x/" ', KB64 - 10)}>`,
  "entities.html": fill("&amp;&lt;&#x41;&#66;"),
  "entities-broken.html": fill("&#x&#&amp"),
  "less-than-signs.html": fill("<"),
  "comment-unclosed.html": `<!--${fill("-", KB64 - 4)}`,
  "br-runs.html": fill("<br/>"),
  "svg-foreign.html": fill("<svg><foreignObject>"),
  "script-unclosed.html": `<script>${fill("<a href=x>")}`,
  "commas.txt": `match${fill(",", KB64 - 10)}x`,
  "punctuation-runs.txt": `x${fill(",.!?:;", KB64 - 2)}a`,
  "report-punctuation.txt": `report @a:b ${fill(")\"'.,;:!?", KB64 - 20)}x`,
  "report-event-ids.txt": `report @a:b ${fill("$abcdefghij", KB64 - 30)}!`,
  "report-matrix-to.txt": `report @a:b ${fill("https://matrix.to/#/!r:hs/$e?via=", KB64 - 20)}`,
  "long-word.txt": fill("a"),
  "mention-run.txt": `xstream:${fill("a", KB64 - 10)}`,
  "mention-ipv6.txt": `xstream:[${fill("1:", KB64 - 10)}`,
  "quoted-lines.txt": fill("> quote\n"),
  "spaces.txt": `help${fill(" ", KB64 - 10)}x`,
  "native-many.txt": `native ${fill("es, ", KB64 - 10)}`,
  "interests-many.txt": `interests ${words(6_000, "w")}`.slice(0, KB64),
  "urls-trailing-punctuation.txt": `https://example.org/${fill(".,;:!?'\")]}", KB64 - 30)}x`,
  "url-slashes.txt": `https://example.org${fill("/", KB64 - 30)}x`,
  // Combining marks, zero-width and bidi controls, emoji: 30,000 characters, ~64 KB of UTF-8.
  "mixed-script.txt": fill("ab\u0301c\u200b d\u202e e\ud83d\ude00 ", 30_000),
};

for (const [name, text] of Object.entries(files)) {
  writeFileSync(new URL(name, import.meta.url), text);
}
