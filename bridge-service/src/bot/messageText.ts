import { Tokenizer } from "htmlparser2";

/**
 * Commands are a line or two. Longer messages are refused before anything reads them, so one
 * message costs the bot a bounded amount of work whatever its sender puts in it.
 */
export const COMMAND_MAX_LENGTH = 2_000;
/** HTML carries markup (pills, links, a reply quote) around the same few words. */
export const COMMAND_HTML_MAX_LENGTH = 8_000;

/** What the bot reads from a message: its command text, or why it will not read it. */
export type MessageText =
  | { kind: "text"; text: string }
  /** Longer than a command can be; `length` is the longest part, in UTF-16 code units. */
  | { kind: "too_long"; length: number }
  | { kind: "none" };

const MATRIX_TO_PREFIX = "https://matrix.to/#/";

function decodeUriPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A pill for a user reads as their id; any other link as its address. */
function linkTarget(href: string): string {
  const withoutQuery = href.split("?", 1)[0] ?? "";
  if (withoutQuery.startsWith(MATRIX_TO_PREFIX)) {
    const target = withoutQuery.slice(MATRIX_TO_PREFIX.length);
    if (target !== "" && !target.includes("/")) {
      const decoded = decodeUriPart(target);
      if (decoded.startsWith("@")) return decoded;
    }
  }
  return href;
}

// Elements whose end starts a new line in the text people see.
const BLOCK_ENDS = new Set(["p", "div", "li", "blockquote", "pre", "tr"]);

/**
 * The text of a message's HTML as the bot reads commands: links read as their targets (a mention
 * pill as the user id, which its label, the display name, is not), the reply quote
 * (`<mx-reply>`) left out, line breaks kept.
 *
 * htmlparser2's tokenizer reads the HTML in one pass. Its tree-building `Parser` is not used: it
 * keeps a stack of open elements and searches it on every end tag, which is quadratic on deeply
 * nested input. The few facts needed here (inside a reply quote? inside a link?) are counters.
 * @returns the text, and how many links it had.
 */
export function htmlToText(html: string): { text: string; links: number } {
  const parts: string[] = [];
  let replyDepth = 0;
  // One entry per open <a>: whether its label is being replaced by its target.
  const openLinks: boolean[] = [];
  let replacing = 0;
  let links = 0;

  let tagName = "";
  let attributeName = "";
  let attributeValue: string[] = [];
  let href: string | undefined;
  const slice = (start: number, end: number) => html.slice(start, end);
  const showing = () => replyDepth === 0 && replacing === 0;

  function openTag(selfClosing: boolean): void {
    if (tagName === "mx-reply") replyDepth++;
    if (tagName === "a") {
      const replaces = href !== undefined;
      if (replaces && showing()) {
        links++;
        parts.push(linkTarget(href ?? ""));
      }
      openLinks.push(replaces);
      if (replaces) replacing++;
    } else if (tagName === "br" && showing()) {
      parts.push("\n");
    }
    if (selfClosing) closeTag(tagName);
  }

  function closeTag(name: string): void {
    if (name === "a") {
      if (openLinks.pop() === true) replacing--;
    } else if (name === "mx-reply") {
      if (replyDepth > 0) replyDepth--;
    } else if (BLOCK_ENDS.has(name) && showing()) {
      parts.push("\n");
    }
  }

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tagName = slice(start, end).toLowerCase();
        href = undefined;
      },
      onattribname(start, end) {
        attributeName = slice(start, end).toLowerCase();
        attributeValue = [];
      },
      onattribdata(start, end) {
        attributeValue.push(slice(start, end));
      },
      onattribentity(codepoint) {
        attributeValue.push(String.fromCodePoint(codepoint));
      },
      onattribend() {
        // The first of repeated attributes counts, as in browsers.
        if (attributeName === "href" && href === undefined) href = attributeValue.join("");
        attributeValue = [];
      },
      onopentagend() {
        openTag(false);
      },
      onselfclosingtag() {
        openTag(true);
      },
      onclosetag(start, end) {
        closeTag(slice(start, end).toLowerCase());
      },
      ontext(start, end) {
        if (showing()) parts.push(slice(start, end));
      },
      ontextentity(codepoint) {
        if (showing()) parts.push(String.fromCodePoint(codepoint));
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return { text: parts.join("").trim(), links };
}

/**
 * The text to read commands from. When the client sent HTML with links (a mention pill for
 * `block`, a message link for `report`), the links' targets replace their labels: the plain
 * `body` of a pill is only the display name. Messages longer than a command can be are not read.
 */
export function messageText(content: Record<string, unknown>): MessageText {
  const body = typeof content.body === "string" ? content.body : undefined;
  const html =
    content.format === "org.matrix.custom.html" && typeof content.formatted_body === "string"
      ? content.formatted_body
      : undefined;
  if (body === undefined && html === undefined) return { kind: "none" };
  if ((body?.length ?? 0) > COMMAND_MAX_LENGTH || (html?.length ?? 0) > COMMAND_HTML_MAX_LENGTH) {
    return { kind: "too_long", length: Math.max(body?.length ?? 0, html?.length ?? 0) };
  }
  if (html === undefined)
    return body === undefined ? { kind: "none" } : { kind: "text", text: body };
  const read = htmlToText(html);
  if (read.links === 0) {
    return body === undefined ? { kind: "none" } : { kind: "text", text: body };
  }
  if (read.text.length > COMMAND_MAX_LENGTH) return { kind: "too_long", length: read.text.length };
  return { kind: "text", text: read.text };
}
