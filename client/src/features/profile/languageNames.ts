import type { Language } from "../../api/partnerTypes";

let displayNames: Intl.DisplayNames | null | undefined;

/** The English name the browser knows for a language tag, or the tag itself. */
function intlName(code: string): string {
  if (displayNames === undefined) {
    try {
      displayNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
    } catch {
      displayNames = null;
    }
  }
  try {
    return displayNames?.of(code) ?? code;
  } catch {
    // Not a well-formed tag: show it as it is.
    return code;
  }
}

/** Looks up language names: the bridge's catalogue first, then the browser's, then the code. */
export type LanguageNames = (code: string) => string;

export function languageNames(
  ...sources: ReadonlyArray<readonly Language[] | Readonly<Record<string, string>>>
): LanguageNames {
  const names = new Map<string, string>();
  for (const source of sources) {
    const entries: Iterable<readonly [string, string]> = Array.isArray(source)
      ? (source as readonly Language[]).map(({ code, name }) => [code, name] as const)
      : Object.entries(source);
    for (const [code, name] of entries) if (!names.has(code)) names.set(code, name);
  }
  return (code) => names.get(code) ?? intlName(code);
}

/** Lower case without accents, so "espanol" finds "Español" and "ewe" finds "Ewe". */
function folded(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The languages whose name (or code) matches what was typed, best matches first: names that
 * start with it, then names with a word that starts with it, then names that contain it.
 */
export function searchLanguages(
  languages: readonly Language[],
  query: string,
  exclude: ReadonlySet<string> = new Set(),
): Language[] {
  const wanted = folded(query.trim());
  const ranked: Array<{ language: Language; rank: number }> = [];
  for (const language of languages) {
    if (exclude.has(language.code)) continue;
    const rank = matchRank(language, wanted);
    if (rank !== undefined) ranked.push({ language, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.language.name.localeCompare(b.language.name, "en"));
  return ranked.map(({ language }) => language);
}

function matchRank(language: Language, wanted: string): number | undefined {
  if (wanted === "") return 0;
  const name = folded(language.name);
  if (name.startsWith(wanted) || language.code.toLowerCase() === wanted) return 0;
  if (name.split(/[\s(),-]+/).some((word) => word.startsWith(wanted))) return 1;
  if (name.includes(wanted)) return 2;
  return undefined;
}
