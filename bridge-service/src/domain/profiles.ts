import {
  CEFR_LEVELS,
  type CefrLevel,
  PROFILE_LIMITS,
  type Weekday,
} from "@xstream/contract/limits";
import { canonicalLanguageTag } from "./languages.js";
import { Refusal } from "./refusal.js";

// Levels, weekdays and limits are part of the /api contract.
export { CEFR_LEVELS, type CefrLevel, PROFILE_LIMITS, type Weekday };

export interface LearningLanguage {
  /** Canonical BCP 47 tag, e.g. `pt-BR`. */
  language: string;
  level: CefrLevel;
}

/** A weekly window in the learner's own time zone, `start` < `end`, both "HH:MM" (end may be "24:00"). */
export interface AvailabilityWindow {
  day: Weekday;
  start: string;
  end: string;
}

/** What a learner says about themselves (PUT /api/profile, and the bot's commands piecemeal). */
export interface ProfileInput {
  /** Canonical BCP 47 tags, at least one, no duplicates. */
  native: string[];
  learning: LearningLanguage[];
  /** Lower-case tags, no duplicates. */
  interests: string[];
  /** IANA zone, e.g. `Europe/Madrid`. */
  timezone: string;
  availability: AvailabilityWindow[];
  bio: string;
  discoverable: boolean;
}

/** A stored profile. Keyed by Matrix user id: learners on other homeservers have one too. */
export interface Profile extends ProfileInput {
  userId: string;
  /** Shown on cards; the account's display name or the Matrix profile's. */
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A new learner's profile before they have said anything: no languages yet, not discoverable. */
export function emptyProfileInput(): ProfileInput {
  return {
    native: [],
    learning: [],
    interests: [],
    timezone: "UTC",
    availability: [],
    bio: "",
    discoverable: true,
  };
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

export function minutesOfDay(time: string): number {
  const [hours = "0", minutes = "0"] = time.split(":");
  return Number(hours) * 60 + Number(minutes);
}

let zones: Set<string> | undefined;

/** True for IANA zone names this runtime knows (canonical ones, plus `UTC`). */
export function isTimeZone(zone: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);
  if (zones.has(zone)) return true;
  // Links such as Asia/Calcutta are valid too, just not listed as canonical.
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.includes("/");
  } catch {
    return false;
  }
}

function invalid(field: string, message: string): Refusal {
  return new Refusal("invalid_profile", message, { field });
}

/** Canonical language tag or a refusal naming the field and the bad code. */
export function requireLanguage(code: string, field: string): string {
  const canonical = canonicalLanguageTag(code);
  if (!canonical) {
    throw invalid(
      field,
      `"${code}" is not a language code we know. Use a BCP 47 / ISO 639-1 code such as en, es or pt-BR.`,
    );
  }
  return canonical;
}

export function requireLevel(level: string, field: string): CefrLevel {
  const upper = level.trim().toUpperCase();
  const found = CEFR_LEVELS.find((candidate) => candidate === upper);
  if (!found)
    throw invalid(field, `"${level}" is not a CEFR level. Use one of A1, A2, B1, B2, C1, C2.`);
  return found;
}

export function normalizeInterest(interest: string): string {
  return interest.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * Checks and canonicalises a whole profile: known language codes (canonical case), CEFR
 * levels, no language both native and learnt, bounded lists, a real time zone and well-formed
 * availability windows.
 * @throws Refusal("invalid_profile") naming the first field at fault
 */
export function validateProfileInput(input: ProfileInput): ProfileInput {
  if (input.native.length > PROFILE_LIMITS.native) {
    throw invalid("native", `List at most ${PROFILE_LIMITS.native} native languages.`);
  }
  const native = input.native.map((code, i) => requireLanguage(code, `native[${i}]`));
  if (new Set(native).size !== native.length)
    throw invalid("native", "A native language is listed twice.");

  if (input.learning.length > PROFILE_LIMITS.learning) {
    throw invalid("learning", `List at most ${PROFILE_LIMITS.learning} languages you learn.`);
  }
  const learning = input.learning.map((entry, i) => ({
    language: requireLanguage(entry.language, `learning[${i}].language`),
    level: requireLevel(entry.level, `learning[${i}].level`),
  }));
  const learnt = learning.map((entry) => entry.language);
  if (new Set(learnt).size !== learnt.length) {
    throw invalid("learning", "A language you learn is listed twice.");
  }
  const both = learnt.find((code) => native.includes(code));
  if (both) throw invalid("learning", `${both} is already one of your native languages.`);

  if (input.interests.length > PROFILE_LIMITS.interests) {
    throw invalid("interests", `List at most ${PROFILE_LIMITS.interests} interests.`);
  }
  const interests = [...new Set(input.interests.map(normalizeInterest).filter(Boolean))];
  const tooLong = interests.find((interest) => interest.length > PROFILE_LIMITS.interestLength);
  if (tooLong !== undefined) {
    throw invalid(
      "interests",
      `Keep each interest under ${PROFILE_LIMITS.interestLength} characters.`,
    );
  }

  const timezone = input.timezone.trim();
  if (!isTimeZone(timezone)) {
    throw invalid(
      "timezone",
      `"${input.timezone}" is not an IANA time zone such as Europe/Madrid.`,
    );
  }

  if (input.availability.length > PROFILE_LIMITS.availability) {
    throw invalid("availability", `List at most ${PROFILE_LIMITS.availability} weekly windows.`);
  }
  input.availability.forEach((window, i) => {
    if (!Number.isInteger(window.day) || window.day < 0 || window.day > 6) {
      throw invalid(`availability[${i}].day`, "Days are 0 (Monday) to 6 (Sunday).");
    }
    if (!TIME.test(window.start) || !TIME.test(window.end)) {
      throw invalid(`availability[${i}]`, "Times are HH:MM, from 00:00 to 24:00.");
    }
    if (minutesOfDay(window.start) >= minutesOfDay(window.end)) {
      throw invalid(`availability[${i}]`, "A window must end after it starts.");
    }
  });

  const bio = input.bio.trim();
  if (bio.length > PROFILE_LIMITS.bio) {
    throw invalid("bio", `Keep the bio under ${PROFILE_LIMITS.bio} characters.`);
  }
  return {
    native,
    learning,
    interests,
    timezone,
    availability: input.availability.map(({ day, start, end }) => ({ day, start, end })),
    bio,
    discoverable: input.discoverable,
  };
}
