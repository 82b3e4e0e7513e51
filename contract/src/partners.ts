import { z } from "zod";
import {
  CEFR_LEVELS,
  DEFAULT_SUGGESTIONS,
  MATRIX_ID_MAX_BYTES,
  MAX_SUGGESTIONS,
  PARTNER_REQUEST_STATUSES,
  PROFILE_LIMITS,
  REPORT_EVIDENCE_MAX,
  REPORT_REASON_MAX,
  WEEKDAYS,
} from "./limits.js";

// Profiles, suggestions, partner requests, blocks and reports. As in auth.ts, request schemas
// check shapes and types (400 M_BAD_JSON naming the field) and the bridge's domain judges the
// values (400 M_INVALID_PARAM naming the field). Responses carry only values the domain accepted,
// so their schemas are exact (a level is a CEFR level, a day 0–6), and so are the types the
// client reads.

const languageCode = z.string().meta({
  description:
    "BCP 47 / ISO 639-1 language tag, language[-script][-region]; returned in canonical case.",
  examples: ["es", "pt-BR", "zh-Hant"],
});

/** The outline of a Matrix user id; the domain applies the spec's full grammar (matrixIds.ts). */
export const USER_ID_OUTLINE = "^@[^:]+:.+$";

const userId = z.string().meta({
  description: "Matrix user id, on this homeserver or another.",
  pattern: USER_ID_OUTLINE,
  maxLength: MATRIX_ID_MAX_BYTES,
  examples: ["@ana:example.org"],
});

const learningLanguageSchema = z.object({
  language: languageCode,
  level: z.string().meta({ enum: [...CEFR_LEVELS], description: "CEFR level." }),
});

const time = {
  start: z.string().meta({ description: "HH:MM in the profile's time zone.", examples: ["18:00"] }),
  end: z.string().meta({ description: "HH:MM, after start; 24:00 allowed.", examples: ["20:30"] }),
};

const availabilityWindowSchema = z.object({
  day: z.number().int().meta({ description: "0 = Monday … 6 = Sunday.", minimum: 0, maximum: 6 }),
  ...time,
});

/** A language learnt, as stored: its level is a CEFR level. */
export const storedLearningLanguageSchema = z.object({
  language: languageCode,
  level: z.enum(CEFR_LEVELS).meta({ description: "CEFR level." }),
});

export const storedAvailabilityWindowSchema = z.object({
  day: z.literal(WEEKDAYS).meta({ description: "0 = Monday … 6 = Sunday." }),
  ...time,
});

export const profileInputSchema = z
  .object({
    native: z.array(languageCode).meta({ maxItems: PROFILE_LIMITS.native }),
    learning: z.array(learningLanguageSchema).meta({ maxItems: PROFILE_LIMITS.learning }),
    interests: z.array(z.string()).meta({
      maxItems: PROFILE_LIMITS.interests,
      description: `Free tags, lower-cased, each at most ${PROFILE_LIMITS.interestLength} characters.`,
    }),
    timezone: z.string().meta({ description: "IANA time zone.", examples: ["Europe/Madrid"] }),
    availability: z.array(availabilityWindowSchema).meta({ maxItems: PROFILE_LIMITS.availability }),
    bio: z.string().meta({ maxLength: PROFILE_LIMITS.bio }),
    discoverable: z.boolean().meta({ description: "Shown in other learners' suggestions." }),
  })
  .meta({ title: "ProfileInput" });

/** A profile's own fields as the bridge stores and returns them. */
const storedProfileInputSchema = profileInputSchema.extend({
  learning: z.array(storedLearningLanguageSchema).meta({ maxItems: PROFILE_LIMITS.learning }),
  availability: z
    .array(storedAvailabilityWindowSchema)
    .meta({ maxItems: PROFILE_LIMITS.availability }),
});

export const profileSchema = storedProfileInputSchema
  .extend({
    user_id: userId,
    display_name: z.string(),
    languages: z.record(z.string(), z.string()).meta({
      description: "English name of every language code used in this profile.",
      examples: [{ es: "Spanish", en: "English" }],
    }),
    updated_at: z.string().meta({ format: "date-time" }),
  })
  .meta({ title: "Profile" });

export const profileResponseSchema = z
  .object({ profile: profileSchema.nullable() })
  .meta({ title: "ProfileResponse" });

/** A language a learner can pick: a canonical BCP 47 tag and its English name. */
export const languageSchema = z.object({ code: z.string(), name: z.string() });

export const languagesResponseSchema = z
  .object({ languages: z.array(languageSchema) })
  .meta({ title: "LanguagesResponse" });

export const suggestionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_SUGGESTIONS).default(DEFAULT_SUGGESTIONS),
});

export const suggestionSchema = z
  .object({
    user_id: userId,
    display_name: z.string(),
    score: z.number().meta({ minimum: 0, maximum: 1 }),
    summary: z.string().meta({
      examples: ["native Spanish, learning English B1 · 3 h overlap a week · both like hiking"],
    }),
    reasons: z.array(z.string()),
    online: z.boolean(),
    teaches: languageCode.meta({ description: "Their native language that you learn." }),
    learns: languageCode.meta({ description: "Your native language that they learn." }),
    learns_level: z.enum(CEFR_LEVELS),
    overlap_minutes_per_week: z.number().int(),
    shared_interests: z.array(z.string()),
    profile: profileSchema,
    organisation: z.string().nullable().meta({
      description:
        "The partner organisation this learner belongs to (from its directory); null for learners of this one.",
    }),
  })
  .meta({ title: "Suggestion" });

export const suggestionsResponseSchema = z
  .object({ suggestions: z.array(suggestionSchema) })
  .meta({ title: "SuggestionsResponse" });

export const userTargetSchema = z.object({ user_id: userId }).meta({ title: "UserTarget" });

/** Someone as other learners see them in lists. */
export const personSchema = z.object({
  user_id: userId,
  display_name: z.string(),
  organisation: z.string().optional().meta({
    description: "The partner organisation a learner of another organisation belongs to.",
  }),
});

export const partnerRequestSchema = z
  .object({
    id: z.string().meta({ format: "uuid" }),
    requester: personSchema,
    recipient: personSchema,
    status: z.enum(PARTNER_REQUEST_STATUSES),
    created_at: z.string().meta({ format: "date-time" }),
    decided_at: z.string().meta({ format: "date-time" }).nullable(),
  })
  .meta({ title: "PartnerRequest" });

export const partnerSchema = personSchema
  .extend({
    room_id: z.string().nullable().meta({
      description: "The shared direct room; null for a moment while the bot creates it.",
    }),
    since: z.string().meta({ format: "date-time" }),
    native: z.array(z.string()),
    learning: z.array(storedLearningLanguageSchema),
  })
  .meta({ title: "Partner" });

export const requestResponseSchema = z
  .object({
    request: partnerRequestSchema,
    partner: partnerSchema.optional().meta({
      description: "Present when they had already asked you: asking back accepted their request.",
    }),
  })
  .meta({ title: "PartnerRequestResponse" });

export const requestsResponseSchema = z
  .object({ incoming: z.array(partnerRequestSchema), outgoing: z.array(partnerRequestSchema) })
  .meta({ title: "PartnerRequestsResponse" });

export const partnerResponseSchema = z
  .object({ partner: partnerSchema })
  .meta({ title: "PartnerResponse" });

export const partnersResponseSchema = z
  .object({ partners: z.array(partnerSchema) })
  .meta({ title: "PartnersResponse" });

export const blockSchema = z.object({
  user_id: userId,
  created_at: z.string().meta({ format: "date-time" }),
});

export const blocksResponseSchema = z
  .object({ blocks: z.array(blockSchema) })
  .meta({ title: "BlocksResponse" });

export const reportRequestSchema = z
  .object({
    user_id: userId,
    reason: z.string().meta({ minLength: 1, maxLength: REPORT_REASON_MAX }),
    event_ids: z
      .array(z.string())
      .optional()
      .meta({ description: "Events that show the problem.", maxItems: REPORT_EVIDENCE_MAX }),
    room_id: z.string().optional().meta({ description: "Room the events are in." }),
  })
  .meta({ title: "ReportRequest" });

export const reportSchema = z
  .object({
    id: z.string().meta({ format: "uuid" }),
    reporter: userId,
    reported: userId,
    reason: z.string(),
    event_ids: z.array(z.string()),
    room_id: z.string().nullable(),
    created_at: z.string().meta({ format: "date-time" }),
  })
  .meta({ title: "Report" });

export const reportResponseSchema = z
  .object({ report: reportSchema })
  .meta({ title: "ReportResponse" });

export const reportsResponseSchema = z
  .object({ reports: z.array(reportSchema) })
  .meta({ title: "ReportsResponse" });

export type ProfileJson = z.infer<typeof profileSchema>;
export type SuggestionJson = z.infer<typeof suggestionSchema>;
export type PartnerRequestJson = z.infer<typeof partnerRequestSchema>;
export type PartnerJson = z.infer<typeof partnerSchema>;
export type ReportJson = z.infer<typeof reportSchema>;

// The same types under the names the client uses.
export type Language = z.infer<typeof languageSchema>;
export type LearningLanguage = z.infer<typeof storedLearningLanguageSchema>;
export type AvailabilityWindow = z.infer<typeof storedAvailabilityWindowSchema>;
/**
 * A valid profile as a learner sends it (PUT /api/profile) and reads it back. The request schema
 * accepts any strings and numbers where this type has levels and days, so that the domain can
 * answer with the field at fault; a client sending this type sends what the domain accepts.
 */
export type ProfileInput = z.infer<typeof storedProfileInputSchema>;
export type ProfileResponse = z.infer<typeof profileResponseSchema>;
export type Profile = ProfileJson;
export type Suggestion = SuggestionJson;
export type Person = z.infer<typeof personSchema>;
export type PartnerRequest = PartnerRequestJson;
export type PartnerRequests = z.infer<typeof requestsResponseSchema>;
export type Partner = PartnerJson;
export type Block = z.infer<typeof blockSchema>;
export type ReportRequest = z.infer<typeof reportRequestSchema>;
export type Report = ReportJson;
