import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../test/fakePartners";
import { languageNames, searchLanguages } from "./languageNames";

const names = (query: string, exclude?: Set<string>) =>
  searchLanguages(LANGUAGES, query, exclude).map((language) => language.name);

describe("searchLanguages", () => {
  it("puts names that start with the query first, then words, then anything containing it", () => {
    expect(names("port")).toEqual(["Portuguese", "Brazilian Portuguese"]);
    expect(names("an")).toEqual(["Brazilian Portuguese", "German", "Spanish"]);
  });

  it("ignores case and accents, matches codes, and leaves out chosen languages", () => {
    expect(names("ÉNGL")).toEqual(["English"]);
    expect(names("pt-br")).toEqual(["Brazilian Portuguese"]);
    expect(names("portuguese", new Set(["pt"]))).toEqual(["Brazilian Portuguese"]);
    expect(names("")).toHaveLength(LANGUAGES.length);
  });
});

describe("languageNames", () => {
  it("prefers the catalogue, then the browser's names, then the code", () => {
    const nameOf = languageNames([{ code: "es", name: "Castilian" }], { fr: "French" });
    expect(nameOf("es")).toBe("Castilian");
    expect(nameOf("fr")).toBe("French");
    expect(nameOf("de")).toBe("German");
    expect(nameOf("not a tag")).toBe("not a tag");
  });
});
