import { describe, expect, it } from "vitest";
import { profile } from "../../test/fakePartners";
import {
  draftFromProfile,
  emptyProfile,
  errorKeyForField,
  type ProfileDraft,
  validateDraft,
} from "./profileDraft";

const nameOf = (code: string) => ({ es: "Spanish", en: "English" })[code] ?? code;

function draft(overrides: Partial<ProfileDraft> = {}): ProfileDraft {
  return { ...draftFromProfile(profile()), ...overrides };
}

describe("profile drafts", () => {
  it("round-trips a profile, midnight included", () => {
    const saved = profile({ availability: [{ day: 6, start: "21:00", end: "24:00" }] });

    const edited = draftFromProfile(saved);
    expect(edited.availability).toEqual([{ id: 1, day: 6, start: "21:00", end: "00:00" }]);

    const { errors, input } = validateDraft(edited, nameOf);
    expect(errors).toEqual({});
    const { user_id, display_name, languages, updated_at, ...expected } = saved;
    expect(input).toEqual(expected);
  });

  it("keys its messages like the bridge's fields", () => {
    const { errors, input } = validateDraft(
      draft({
        native: ["en"],
        learning: [
          { language: "es", level: "" },
          { language: "en", level: "A1" },
        ],
        availability: [
          { id: 1, day: 0, start: "10:00", end: "09:00" },
          { id: 2, day: 1, start: "", end: "09:00" },
        ],
        bio: "x".repeat(501),
      }),
      nameOf,
    );

    expect(input).toBeNull();
    expect(errors).toEqual({
      "learning[0].level": "Choose your level.",
      "learning[1].language": "English is already one of your native languages.",
      "availability[0]": "End the window after it starts.",
      "availability[1]": "Enter a start and an end time.",
      bio: "Keep your bio to 500 characters or fewer.",
    });
  });

  it("needs a native language and a language being learnt", () => {
    expect(validateDraft(draftFromProfile(emptyProfile("UTC")), nameOf).errors).toEqual({
      native: "Choose at least one native language.",
      learning: "Add at least one language you are learning.",
    });
  });

  it("places the bridge's refusals on the fields the form has", () => {
    const current = draft();
    expect(errorKeyForField("native[2]", current)).toBe("native");
    expect(errorKeyForField("learning[0].level", current)).toBe("learning[0].level");
    expect(errorKeyForField("learning[0]", current)).toBe("learning[0].language");
    expect(errorKeyForField("learning[4].level", current)).toBe("learning");
    expect(errorKeyForField("interests", current)).toBe("interests");
    expect(errorKeyForField("availability[0].day", current)).toBe("availability[0]");
    expect(errorKeyForField("availability[9]", current)).toBe("availability");
    expect(errorKeyForField("timezone", current)).toBe("timezone");
    expect(errorKeyForField("user_id", current)).toBeUndefined();
  });
});
