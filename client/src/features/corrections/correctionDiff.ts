import { diffWordsWithSpace } from "diff";

/** One run of a word-level diff: text both versions share, or text the correction removed or added. */
export type DiffSegment = { kind: "same" | "removed" | "added"; text: string };

/**
 * How `corrected` differs from `original`, word by word (whitespace counts as its own token, so
 * line breaks and spacing survive). Adjacent runs of the same kind are merged, and a removal
 * always comes before the addition that replaces it.
 */
export function correctionDiff(original: string, corrected: string): DiffSegment[] {
  const segments: DiffSegment[] = [];
  for (const change of diffWordsWithSpace(original, corrected)) {
    if (change.value === "") continue;
    const kind = change.added ? "added" : change.removed ? "removed" : "same";
    const last = segments.at(-1);
    if (last?.kind === kind) last.text += change.value;
    else segments.push({ kind, text: change.value });
  }
  return segments;
}

/** True when the correction changes nothing. */
export function isUnchanged(original: string, corrected: string): boolean {
  return original.trim() === corrected.trim();
}
