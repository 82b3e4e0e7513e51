// What other features may use of profile/ (the import-boundary check allows nothing else).

export { type LanguageNames, languageNames } from "./languageNames";
export { useLanguages } from "./useLanguages";
