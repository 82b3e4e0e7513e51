/**
 * The first user-perceived character of a text, for initials: an emoji or an accented letter
 * stays whole. ICU's segmenter does that, but its first use on a page costs tens of ms (the page
 * right after signing in waited 25 ms for the avatar in its header), so a text that starts with a
 * character standing on its own (below U+0300, followed by another such character or nothing)
 * skips it; only the rest is segmented, by one segmenter kept for the page.
 */
let segmenter: Intl.Segmenter | null = null;

/** Combining marks (and everything else that may join a character) start here. */
const JOINABLE_FROM = 0x300;

export function firstGrapheme(text: string): string {
  if (text === "") return "";
  const first = text.charCodeAt(0);
  const next = text.length > 1 ? text.charCodeAt(1) : 0;
  if (first > 0x20 && first < JOINABLE_FROM && next < JOINABLE_FROM) return text.charAt(0);
  segmenter ??= new Intl.Segmenter();
  // Only the first segment is read: a long name is not segmented to its end.
  const segment = segmenter.segment(text)[Symbol.iterator]().next();
  return segment.done ? "" : segment.value.segment;
}
