// The bridge's profile and partner wire types, from the shared contract
// (contract/src/partners.ts). They mirror the JSON on the wire, snake_case included, so nothing is
// renamed in between.
export type {
  AvailabilityWindow,
  Block,
  Language,
  LearningLanguage,
  Partner,
  PartnerRequest,
  PartnerRequests,
  PartnerVisibility,
  Person,
  Profile,
  ProfileInput,
  Report,
  ReportRequest,
  Suggestion,
} from "@xstream/contract";
export {
  CEFR_LEVELS,
  type CefrLevel,
  type PartnerRequestStatus,
  type Weekday,
} from "@xstream/contract/limits";
