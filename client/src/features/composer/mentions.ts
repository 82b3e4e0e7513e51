import type { Mention } from "./messageContent";

/** An "@name" being typed: where the "@" is and what follows it up to the caret. */
export type MentionQuery = { start: number; end: number; query: string };

/**
 * The mention being typed at the caret, if any: an "@" at the start or after whitespace, followed
 * by non-space characters up to the caret.
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)@([^\s@]*)$/.exec(before);
  if (!match) return null;
  const query = match[1] ?? "";
  return { start: caret - query.length - 1, end: caret, query };
}

export type MemberCandidate = { userId: string; displayName: string };

function localpart(userId: string): string {
  return userId.slice(1).split(":")[0] ?? "";
}

/**
 * Members matching a query: names (any word) or the user id's localpart starting with it,
 * ignoring case and accents; names starting with it first. Never oneself.
 */
export function suggestMembers(
  members: readonly MemberCandidate[],
  query: string,
  myUserId: string | null,
  limit = 6,
): Mention[] {
  const fold = (text: string) =>
    text
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLocaleLowerCase();
  const wanted = fold(query);
  const ranked: { mention: Mention; rank: number }[] = [];
  for (const member of members) {
    if (member.userId === myUserId) continue;
    const name = fold(member.displayName);
    const rank = name.startsWith(wanted)
      ? 0
      : name.split(/\s+/).some((word) => word.startsWith(wanted))
        ? 1
        : fold(localpart(member.userId)).startsWith(wanted)
          ? 2
          : -1;
    if (rank >= 0) ranked.push({ mention: { ...member }, rank });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.mention.displayName.localeCompare(b.mention.displayName))
    .slice(0, limit)
    .map((entry) => entry.mention);
}

/** The text with the typed "@query" replaced by the name and a space, and where the caret goes. */
export function insertMention(
  text: string,
  at: MentionQuery,
  displayName: string,
): { text: string; caret: number } {
  const inserted = `${displayName} `;
  const rest = text.slice(at.end).replace(/^ /, "");
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}
