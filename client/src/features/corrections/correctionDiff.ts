import { diffWordsWithSpace } from "diff";

/** One run of a word-level diff: text both versions share, or text the correction removed or added. */
export type DiffSegment = { kind: "same" | "removed" | "added"; text: string };

/**
 * The word diff is Myers' algorithm, whose cost grows with the text's length times the number of
 * edits: two unrelated 64 KB messages took 20 s. Long texts are diffed only in their changed
 * middle (after their common start and end), and only while that is short and the edits few; past
 * that, the middle shows as one removal and one addition.
 */
const MAX_DIFFED_LENGTH = 4_000;
const MAX_EDITS = 200;

const isSpace = (char: string) => char.trim() === "";

/** Where the texts' common start ends, moved back to the start of a word in both. */
function commonStart(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let at = 0;
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  if (at === a.length && at === b.length) return at;
  // Cut only where a space run ends and a word starts in both, so the diff sees whole words.
  while (
    at > 0 &&
    !(isSpace(a.charAt(at - 1)) && !isSpace(a.charAt(at)) && !isSpace(b.charAt(at)))
  ) {
    at--;
  }
  return at;
}

/** How long the texts' common end is (not reaching into `start`), cut before a space run. */
function commonEnd(a: string, b: string, start: number): number {
  const limit = Math.min(a.length, b.length) - start;
  let length = 0;
  while (
    length < limit &&
    a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)
  ) {
    length++;
  }
  // The common end starts with a space run that follows a word in both.
  while (length > 0) {
    const at = a.length - length;
    const before = b.length - length;
    if (isSpace(a.charAt(at)) && !isSpace(a.charAt(at - 1)) && !isSpace(b.charAt(before - 1)))
      break;
    length--;
  }
  return length;
}

function wordChanges(original: string, corrected: string): DiffSegment[] {
  if (original.length <= MAX_DIFFED_LENGTH && corrected.length <= MAX_DIFFED_LENGTH) {
    const changes = diffWordsWithSpace(original, corrected, { maxEditLength: MAX_EDITS });
    if (changes) {
      return changes.map((change) => ({
        kind: change.added ? "added" : change.removed ? "removed" : "same",
        text: change.value,
      }));
    }
  }
  return [
    { kind: "removed", text: original },
    { kind: "added", text: corrected },
  ];
}

/**
 * How `corrected` differs from `original`, word by word (whitespace counts as its own token, so
 * line breaks and spacing survive). Adjacent runs of the same kind are merged, and a removal
 * always comes before the addition that replaces it. Time is bounded for texts of any size.
 */
export function correctionDiff(original: string, corrected: string): DiffSegment[] {
  let changes: DiffSegment[];
  if (original.length <= MAX_DIFFED_LENGTH && corrected.length <= MAX_DIFFED_LENGTH) {
    changes = wordChanges(original, corrected);
  } else {
    const start = commonStart(original, corrected);
    const end = commonEnd(original, corrected, start);
    changes = [
      { kind: "same", text: original.slice(0, start) },
      ...wordChanges(
        original.slice(start, original.length - end),
        corrected.slice(start, corrected.length - end),
      ),
      { kind: "same", text: original.slice(original.length - end) },
    ];
  }
  const segments: DiffSegment[] = [];
  for (const change of changes) {
    if (change.text === "") continue;
    const last = segments.at(-1);
    if (last?.kind === change.kind) last.text += change.text;
    else segments.push({ ...change });
  }
  return segments;
}

/** True when the correction changes nothing. */
export function isUnchanged(original: string, corrected: string): boolean {
  return original.trim() === corrected.trim();
}
