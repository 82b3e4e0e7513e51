/**
 * Shapes of the bridge's profile and partner endpoints (see .xstream/issue4-contract.md, "REST
 * API"). They mirror the JSON on the wire, snake_case included, so nothing is renamed in between.
 */

/** CEFR levels, lowest first. */
export const CEFR_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"] as const;
export type CefrLevel = (typeof CEFR_LEVELS)[number];

/** A language a learner can pick: a canonical BCP 47 tag and its English name. */
export type Language = { code: string; name: string };

export type LearningLanguage = { language: string; level: CefrLevel };

/** 0 = Monday … 6 = Sunday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A weekly window in the learner's own time zone; "HH:MM", `end` may be "24:00". */
export type AvailabilityWindow = { day: Weekday; start: string; end: string };

/** What a learner says about themselves (`PUT /api/profile`, a full replace). */
export type ProfileInput = {
  native: string[];
  learning: LearningLanguage[];
  interests: string[];
  /** IANA zone such as `Europe/Madrid`. */
  timezone: string;
  availability: AvailabilityWindow[];
  bio: string;
  discoverable: boolean;
};

/** A stored profile, with the names of every language code it uses. */
export type Profile = ProfileInput & {
  user_id: string;
  display_name: string;
  languages: Record<string, string>;
};

/** A suggested partner, best first, with the reasons in words. */
export type Suggestion = {
  user_id: string;
  display_name: string;
  /** 0..1 */
  score: number;
  /** `reasons` joined with " · ". */
  summary: string;
  reasons: string[];
  online: boolean;
  /** Their native language that I learn. */
  teaches: string;
  /** My native language that they learn, at `learns_level`. */
  learns: string;
  learns_level: CefrLevel;
  overlap_minutes_per_week: number;
  shared_interests: string[];
  profile: Profile;
  /** The partner organisation they belong to; null (or absent) for learners of ours. */
  organisation?: string | null;
};

/** "Also show me to learners of partner organisations", and who those partners are. */
export type PartnerVisibility = {
  visible: boolean;
  /** Server names of the organisations this one pairs with. */
  partner_organisations: string[];
};

/** Someone as other learners see them in lists. */
export type Person = { user_id: string; display_name: string };

export type PartnerRequestStatus = "pending" | "accepted" | "declined" | "cancelled";

export type PartnerRequest = {
  id: string;
  requester: Person;
  recipient: Person;
  status: PartnerRequestStatus;
  created_at: string;
  decided_at: string | null;
};

/** Pending requests, both ways. */
export type PartnerRequests = { incoming: PartnerRequest[]; outgoing: PartnerRequest[] };

export type Partner = Person & {
  /** The shared direct room; null while the bot is still creating it. */
  room_id: string | null;
  since: string;
  native: string[];
  learning: LearningLanguage[];
};

export type Block = { user_id: string; created_at: string };

export type ReportRequest = {
  user_id: string;
  reason: string;
  /** Events the report is about, as evidence for moderators. */
  event_ids?: string[];
  room_id?: string;
};

export type Report = {
  id: string;
  reporter: string;
  reported: string;
  reason: string;
  event_ids: string[];
  room_id: string | null;
  created_at: string;
};
