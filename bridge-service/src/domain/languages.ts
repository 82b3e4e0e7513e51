import tags from "language-tags";

/** A language a learner can name: a canonical BCP 47 tag and its English name. */
export interface Language {
  code: string;
  name: string;
}

const displayNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

// Language, optional script, optional region: what learners mean by "a language". Variants,
// extensions and private use (`en-US-x-foo`) are valid BCP 47 but not something to match on.
const LANGUAGE_SCRIPT_REGION = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?$/i;

/**
 * The canonical form of a BCP 47 language tag (`pt-br` → `pt-BR`), or undefined if the IANA
 * registry does not know it. Only language[-script][-region] tags are accepted, and no
 * deprecated subtags (`iw` is `he` now).
 */
export function canonicalLanguageTag(input: string): string | undefined {
  const trimmed = input.trim();
  if (!LANGUAGE_SCRIPT_REGION.test(trimmed)) return undefined;
  const tag = tags(trimmed);
  if (!tag.valid() || tag.deprecated()) return undefined;
  const language = tag.language();
  if (!language || language.deprecated()) return undefined;
  if (tag.subtags().some((subtag) => subtag.deprecated())) return undefined;
  return tag.format();
}

/** The primary language subtag: `pt-BR` → `pt`. Matching compares these. */
export function primaryLanguage(code: string): string {
  return (code.split("-")[0] ?? code).toLowerCase();
}

/** English name of a canonical tag: `pt-BR` → "Brazilian Portuguese". */
export function languageName(code: string): string {
  const fromIntl = displayNames.of(code);
  if (fromIntl && fromIntl !== code) return fromIntl;
  const description = tags(code).language()?.descriptions()[0];
  return description ?? code;
}

/** Regional variants learners commonly ask for by name, listed next to the plain languages. */
const COMMON_VARIANTS = [
  "en-GB",
  "en-US",
  "es-ES",
  "es-MX",
  "fr-CA",
  "pt-BR",
  "pt-PT",
  "zh-Hans",
  "zh-Hant",
] as const;

let catalogue: Language[] | undefined;

/**
 * The languages offered in pickers: every living ISO 639-1 language in the IANA registry plus
 * common regional variants, sorted by name. Any other valid tag is still accepted as input.
 */
export function languageCatalogue(): readonly Language[] {
  if (catalogue) return catalogue;
  const codes = new Set<string>(COMMON_VARIANTS);
  for (const subtag of tags.search(/./)) {
    if (!("type" in subtag) || typeof subtag.type !== "function") continue;
    if (subtag.type() !== "language") continue;
    const code = subtag.format();
    if (code.length === 2 && canonicalLanguageTag(code) === code) codes.add(code);
  }
  catalogue = [...codes]
    .map((code) => ({ code, name: languageName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, "en"));
  return catalogue;
}
