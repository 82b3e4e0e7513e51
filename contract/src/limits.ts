// Limits and enumerations both sides of /api must agree on, written once. Plain values without zod,
// so the client can import them without the schemas.

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;
/** In code points (`lengthInCodePoints`). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** In code points (`lengthInCodePoints`), after trimming. */
export const DISPLAY_NAME_MAX_LENGTH = 64;

/**
 * How both sides measure display names and passwords: in Unicode code points, so an emoji or a
 * rare CJK character counts once, as people count it, where `String.length` counts UTF-16 units
 * and makes it two. (A flag or a family emoji is still several code points.)
 */
export function lengthInCodePoints(text: string): number {
  let count = 0;
  for (const _codePoint of text) count++;
  return count;
}

/** Account roles, from least to most privileged (also the database's CHECK constraint). */
export const ROLES = ["user", "moderator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** CEFR levels, lowest first. */
export const CEFR_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"] as const;
export type CefrLevel = (typeof CEFR_LEVELS)[number];

/** 0 = Monday … 6 = Sunday (ISO weekday minus one). */
export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const PROFILE_LIMITS = {
  native: 5,
  learning: 5,
  interests: 20,
  interestLength: 32,
  availability: 28,
  bio: 500,
} as const;

export const MAX_SUGGESTIONS = 50;
export const DEFAULT_SUGGESTIONS = 20;

export const PARTNER_REQUEST_STATUSES = ["pending", "accepted", "declined", "cancelled"] as const;
export type PartnerRequestStatus = (typeof PARTNER_REQUEST_STATUSES)[number];

export const REPORT_REASON_MAX = 1_000;
export const REPORT_EVIDENCE_MAX = 20;

/** Longest unsubscribe token a mail's link may carry. */
export const UNSUBSCRIBE_TOKEN_MAX_LENGTH = 512;

/** The spec's limit on user, room and event ids, in bytes of UTF-8. */
export const MATRIX_ID_MAX_BYTES = 255;

/** State event type of the exchange panel's shared practice timer (state key ""). */
export const PRACTICE_TIMER_EVENT_TYPE = "org.xstream.practice_timer";
export const PRACTICE_TIMER_LIMITS = { minMinutes: 1, maxMinutes: 120 } as const;
/** Longest language tag the timer carries (BCP 47 tags fit in 35 characters). */
export const PRACTICE_TIMER_LANGUAGE_MAX_LENGTH = 35;
