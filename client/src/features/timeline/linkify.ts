/** A piece of a plain-text message: text, a link, or a mention of the reader. */
export type TextSegment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "mention"; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends the sentence, not the address. */
const TRAILING = ".,;:!?'\")]}";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function trimUrl(candidate: string): string {
  // A loop, not `/[…]+$/`: a pattern anchored only at the end retries from every position of a
  // long run of punctuation, which is quadratic.
  let end = candidate.length;
  while (end > 0 && TRAILING.includes(candidate.charAt(end - 1))) end--;
  let url = candidate.slice(0, end);
  // Keep a closing parenthesis that closes one opened inside the address (Wikipedia links).
  const rest = candidate.slice(url.length);
  if (rest.startsWith(")") && (url.match(/\(/g)?.length ?? 0) > (url.match(/\)/g)?.length ?? 0)) {
    url += ")";
  }
  return url;
}

/** Matches any of the reader's names as a whole word; undefined when there are none. */
function mentionPattern(mentionNames: string[]): RegExp | undefined {
  const names = mentionNames.filter((name) => name.trim() !== "");
  if (names.length === 0) return undefined;
  return new RegExp(
    `(^|[^\\p{L}\\p{N}_])(${names.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}_])`,
    "giu",
  );
}

function splitMentions(text: string, pattern: RegExp | undefined): TextSegment[] {
  if (text === "") return [];
  if (!pattern) return [{ kind: "text", text }];
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index + (match[1]?.length ?? 0);
    if (start > last) segments.push({ kind: "text", text: text.slice(last, start) });
    segments.push({ kind: "mention", text: match[2] ?? "" });
    last = start + (match[2]?.length ?? 0);
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}

/**
 * Splits plain text into text, http(s) links and mentions of the reader (any of
 * `mentionNames`, matched as whole words, case-insensitively). Nothing else becomes a link.
 */
export function textSegments(text: string, mentionNames: string[] = []): TextSegment[] {
  // Compiled once per message: a message can hold thousands of links.
  const mentions = mentionPattern(mentionNames);
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (!URL.canParse(url)) continue;
    for (const segment of splitMentions(text.slice(last, match.index), mentions)) {
      segments.push(segment);
    }
    segments.push({ kind: "link", text: url, href: url });
    last = match.index + url.length;
  }
  for (const segment of splitMentions(text.slice(last), mentions)) segments.push(segment);
  return segments;
}
