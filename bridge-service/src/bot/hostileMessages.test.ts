// Property tests: what any Matrix user can send the bot costs time in proportion to its size.
// A quadratic regular expression took 16 s on a 64 KB message and the old HTML patterns took
// hours on 24 KB, so the bounds below are generous for the machine and still catch them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fastestMs,
  hostileCorpus,
  hostileText,
  MATRIX_EVENT_MAX_LENGTH,
} from "../testing/hostileInput.js";
import { evidenceIn, parseCommand } from "./botCommands.js";
import { htmlToText, messageText } from "./messageText.js";

/** The most one message may cost the bot, fastest of three runs. */
const BUDGET_MS = 50;
/**
 * Wall-clock room for a whole property (150 inputs, three runs each): the budget above is CPU
 * time and is what the tests judge; on a machine shared with other work the wall clock runs
 * several times slower, and vitest's 5 s default failed a run whose every input was in budget.
 */
const PROPERTY_TIMEOUT_MS = 120_000;

const HTML_FRAGMENTS = [
  '<a href="x" ',
  "<a href='",
  '<a href="https://matrix.to/#/@a:b">',
  "</a>",
  "<b>",
  "</i>",
  "<div>",
  "<ul><li>",
  "<mx-reply>",
  "</mx-reply>",
  "<br/>",
  "<",
  '"',
  "'",
  "=",
  "&amp;",
  "&#x",
  "<!--",
  "<script>",
  " href=x",
  " a",
];

const TEXT_FRAGMENTS = [
  ",",
  ".!?:;",
  " ",
  "\n",
  "> ",
  "xstream:",
  "@xstream:[1:",
  "a",
  "report @a:b ",
  "$abc",
  '"',
  ")",
  "https://matrix.to/#/!r:hs/$e",
  "?via=",
  "native es, ",
  "learn ",
  "interests ",
  "#",
  "!",
  "/",
];

const corpus = hostileCorpus();

describe("the bot's parsing of hostile messages", () => {
  it("keeps a corpus that includes the message from issue 11", () => {
    const issue = corpus.find((item) => item.name === "issue-11-a-href.html");
    expect(issue?.text).toBe('<a href="x" '.repeat(2_000));
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((item) => [item.name, item] as const))(
    "reads %s within the budget",
    (_name, item) => {
      const content =
        item.kind === "html"
          ? {
              msgtype: "m.text",
              body: "help",
              format: "org.matrix.custom.html",
              formatted_body: item.text,
            }
          : { msgtype: "m.text", body: item.text };
      // The whole message, past the size limits: HTML to text, then the command parser.
      const ms = fastestMs(() => {
        const text = item.kind === "html" ? htmlToText(item.text).text : item.text;
        parseCommand(text);
        messageText(content);
      });
      expect(ms).toBeLessThan(BUDGET_MS);
    },
  );

  it(
    "turns any HTML up to 64 KB into text within the budget",
    () => {
      fc.assert(
        fc.property(hostileText(HTML_FRAGMENTS), (html) => {
          let read: ReturnType<typeof htmlToText> | undefined;
          const ms = fastestMs(() => {
            read = htmlToText(html);
          });
          expect(ms).toBeLessThan(BUDGET_MS);
          expect(read?.text.length).toBeLessThanOrEqual(html.length);
        }),
        { numRuns: 150 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "parses any text up to 64 KB as a command or a problem within the budget",
    () => {
      fc.assert(
        fc.property(hostileText(TEXT_FRAGMENTS), (text) => {
          expect(text.length).toBeLessThanOrEqual(MATRIX_EVENT_MAX_LENGTH);
          const ms = fastestMs(() => {
            const parsed = parseCommand(text);
            expect(typeof parsed.ok).toBe("boolean");
            evidenceIn(text);
          });
          expect(ms).toBeLessThan(BUDGET_MS);
        }),
        { numRuns: 150 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it("reads plain text back unchanged, and every pill as its user id", () => {
    const plain = fc.string({ maxLength: 200 }).filter((text) => !/[<&]/.test(text));
    const localpart = fc.stringMatching(/^[a-z0-9._=-]{1,20}$/);
    fc.assert(
      fc.property(plain, localpart, (text, user) => {
        expect(htmlToText(text).text).toBe(text.trim());
        const pill = `<a href="https://matrix.to/#/@${user}:example.org">Some Name</a>`;
        expect(htmlToText(`block ${pill}`)).toEqual({
          text: `block @${user}:example.org`,
          links: 1,
        });
      }),
    );
  });
});
