import { z } from "zod";
import { MATRIX_ID_MAX_BYTES } from "../domain/matrixIds.js";
import { MAX_SUGGESTIONS, REPORT_EVIDENCE_MAX, REPORT_REASON_MAX } from "../domain/partners.js";
import { CEFR_LEVELS, PROFILE_LIMITS } from "../domain/profiles.js";

// As in authSchemas: shapes and types here (400 M_BAD_JSON naming the field), values judged by
// the domain (400 M_INVALID_PARAM naming the field). Limits below document the domain's rules.

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

const availabilityWindowSchema = z.object({
  day: z.number().int().meta({ description: "0 = Monday … 6 = Sunday.", minimum: 0, maximum: 6 }),
  start: z.string().meta({ description: "HH:MM in the profile's time zone.", examples: ["18:00"] }),
  end: z.string().meta({ description: "HH:MM, after start; 24:00 allowed.", examples: ["20:30"] }),
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

export const profileSchema = profileInputSchema
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

export const languagesResponseSchema = z
  .object({ languages: z.array(z.object({ code: z.string(), name: z.string() })) })
  .meta({ title: "LanguagesResponse" });

export const suggestionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_SUGGESTIONS).default(20),
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

const personSchema = z.object({ user_id: userId, display_name: z.string() });

export const partnerRequestSchema = z
  .object({
    id: z.string().meta({ format: "uuid" }),
    requester: personSchema,
    recipient: personSchema,
    status: z.enum(["pending", "accepted", "declined", "cancelled"]),
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
    learning: z.array(learningLanguageSchema),
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

export const blocksResponseSchema = z
  .object({
    blocks: z.array(
      z.object({ user_id: userId, created_at: z.string().meta({ format: "date-time" }) }),
    ),
  })
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
