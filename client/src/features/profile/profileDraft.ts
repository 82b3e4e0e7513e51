import { PROFILE_LIMITS } from "@xstream/contract/limits";
import type { CefrLevel, LearningLanguage, ProfileInput, Weekday } from "../../api/partnerTypes";

/** The bridge's limits, from the /api contract, checked here to say so early. */
export { PROFILE_LIMITS };

export const WEEKDAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** A language being learnt, before a level has been chosen. */
export type LearningDraft = { language: string; level: CefrLevel | "" };

/**
 * A weekly window as the form edits it. `id` keeps rows apart while they are added and removed;
 * midnight at the end of the day is "00:00" here (time inputs stop at 23:59) and "24:00" on the
 * wire.
 */
export type WindowDraft = { id: number; day: Weekday; start: string; end: string };

/** A profile as it is being edited. */
export type ProfileDraft = {
  native: string[];
  learning: LearningDraft[];
  interests: string[];
  timezone: string;
  availability: WindowDraft[];
  bio: string;
  discoverable: boolean;
};

/**
 * Messages keyed by where they belong, with the bridge's field names: `native`, `learning`,
 * `learning[0].level`, `interests`, `timezone`, `availability`, `availability[2]`, `bio`…
 */
export type ProfileErrors = Partial<Record<string, string>>;

/** A new learner's starting point: nothing said yet, in the browser's time zone. */
export function emptyProfile(timezone: string): ProfileInput {
  return {
    native: [],
    learning: [],
    interests: [],
    timezone,
    availability: [],
    bio: "",
    discoverable: true,
  };
}

export function draftFromProfile(profile: ProfileInput): ProfileDraft {
  return {
    native: [...profile.native],
    learning: profile.learning.map(({ language, level }) => ({ language, level })),
    interests: [...profile.interests],
    timezone: profile.timezone,
    availability: profile.availability.map((window, index) => ({
      id: index + 1,
      day: window.day,
      start: window.start,
      end: window.end === "24:00" ? "00:00" : window.end,
    })),
    bio: profile.bio,
    discoverable: profile.discoverable,
  };
}

/** An interest as the bridge stores it: trimmed, lower case, single spaces. */
export function normaliseInterest(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

/** Why an interest cannot be added to the list, if it cannot. */
export function checkNewInterest(
  interests: readonly string[],
  interest: string,
): string | undefined {
  if (interest.length > PROFILE_LIMITS.interestLength) {
    return `Keep each interest to ${PROFILE_LIMITS.interestLength} characters or fewer.`;
  }
  if (!interests.includes(interest) && interests.length >= PROFILE_LIMITS.interests) {
    return `You can list up to ${PROFILE_LIMITS.interests} interests.`;
  }
  return undefined;
}

function minutes(time: string): number {
  const [hours = "0", mins = "0"] = time.split(":");
  return Number(hours) * 60 + Number(mins);
}

/** End of a window in minutes since midnight; "00:00" as an end means the following midnight. */
function endMinutes(end: string): number {
  return end === "00:00" ? 24 * 60 : minutes(end);
}

/**
 * Every rule the form can judge on its own, with messages keyed like the bridge's refusals; the
 * profile to send when there are none.
 */
export function validateDraft(
  draft: ProfileDraft,
  nameOf: (code: string) => string,
): { errors: ProfileErrors; input: ProfileInput | null } {
  const errors: ProfileErrors = {};

  if (draft.native.length === 0) errors.native = "Choose at least one native language.";
  else if (draft.native.length > PROFILE_LIMITS.native) {
    errors.native = `List at most ${PROFILE_LIMITS.native} native languages.`;
  }

  if (draft.learning.length === 0) {
    errors.learning = "Add at least one language you are learning.";
  } else if (draft.learning.length > PROFILE_LIMITS.learning) {
    errors.learning = `List at most ${PROFILE_LIMITS.learning} languages you are learning.`;
  }
  const learning: LearningLanguage[] = [];
  draft.learning.forEach(({ language, level }, index) => {
    if (draft.native.includes(language)) {
      errors[`learning[${index}].language`] =
        `${nameOf(language)} is already one of your native languages.`;
    }
    if (level === "") errors[`learning[${index}].level`] = "Choose your level.";
    else learning.push({ language, level });
  });

  if (draft.interests.length > PROFILE_LIMITS.interests) {
    errors.interests = `You can list up to ${PROFILE_LIMITS.interests} interests.`;
  }

  if (draft.timezone.trim() === "") errors.timezone = "Choose your time zone.";

  if (draft.availability.length > PROFILE_LIMITS.availability) {
    errors.availability = `List at most ${PROFILE_LIMITS.availability} time windows.`;
  }
  draft.availability.forEach(({ start, end }, index) => {
    if (start === "" || end === "") {
      errors[`availability[${index}]`] = "Enter a start and an end time.";
    } else if (minutes(start) >= endMinutes(end)) {
      errors[`availability[${index}]`] = "End the window after it starts.";
    }
  });

  if (draft.bio.trim().length > PROFILE_LIMITS.bio) {
    errors.bio = `Keep your bio to ${PROFILE_LIMITS.bio} characters or fewer.`;
  }

  if (Object.keys(errors).length > 0) return { errors, input: null };
  return {
    errors,
    input: {
      native: [...draft.native],
      learning,
      interests: [...draft.interests],
      timezone: draft.timezone.trim(),
      availability: draft.availability.map(({ day, start, end }) => ({
        day,
        start,
        end: end === "00:00" ? "24:00" : end,
      })),
      bio: draft.bio.trim(),
      discoverable: draft.discoverable,
    },
  };
}

/**
 * Where the form shows a refusal that names `field` (e.g. `learning[0].level`), or undefined
 * when it has no place for it (then it goes in the form's alert). Per-item codes of plain lists
 * go on the list; per-row fields of rows the form still has go on the row.
 */
export function errorKeyForField(field: string, draft: ProfileDraft): string | undefined {
  if (/^native(\[\d+\])?$/.test(field)) return "native";
  if (/^interests(\[\d+\])?$/.test(field)) return "interests";
  if (["learning", "timezone", "availability", "bio", "discoverable"].includes(field)) {
    return field;
  }
  const learning = /^learning\[(\d+)\](?:\.(language|level))?$/.exec(field);
  if (learning) {
    const index = Number(learning[1]);
    if (index >= draft.learning.length) return "learning";
    return `learning[${index}].${learning[2] ?? "language"}`;
  }
  const window = /^availability\[(\d+)\](?:\.\w+)?$/.exec(field);
  if (window) {
    const index = Number(window[1]);
    return index < draft.availability.length ? `availability[${index}]` : "availability";
  }
  return undefined;
}
