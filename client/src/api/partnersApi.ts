import { DEFAULT_SUGGESTIONS } from "@xstream/contract/limits";
import type { ApiClient } from "./ApiClient";
import type {
  Block,
  Language,
  Partner,
  PartnerRequest,
  PartnerRequests,
  PartnerVisibility,
  Profile,
  ProfileInput,
  Report,
  ReportRequest,
  Suggestion,
} from "./partnerTypes";

/**
 * The bridge's profile, matching, partner, block and report endpoints, typed. Every method
 * rejects with an ApiError; a 401 is refreshed once by the ApiClient.
 */
export type PartnersApi = {
  languages(): Promise<Language[]>;
  /** The signed-in learner's profile, or null before they have saved one. */
  profile(): Promise<Profile | null>;
  /** Replaces the whole profile. Refusals name the field at fault (`learning[0].level`…). */
  saveProfile(input: ProfileInput): Promise<Profile>;
  /** Whether partner organisations' learners may see me (off until the learner turns it on). */
  partnerVisibility(): Promise<PartnerVisibility>;
  setPartnerVisibility(visible: boolean): Promise<PartnerVisibility>;
  /** 404 M_NOT_FOUND without a profile; 400 M_INVALID_PARAM while it lacks languages. */
  suggestions(limit?: number): Promise<Suggestion[]>;
  requestPartner(userId: string): Promise<PartnerRequest>;
  /** Pending requests only. */
  requests(): Promise<PartnerRequests>;
  acceptRequest(requestId: string): Promise<Partner>;
  declineRequest(requestId: string): Promise<PartnerRequest>;
  partners(): Promise<Partner[]>;
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  blocks(): Promise<Block[]>;
  report(report: ReportRequest): Promise<Report>;
  /** Moderators and admins only; 403 for everyone else. */
  reports(): Promise<Report[]>;
};

export const DEFAULT_SUGGESTION_LIMIT = DEFAULT_SUGGESTIONS;

export function createPartnersApi(api: ApiClient): PartnersApi {
  return {
    async languages() {
      const { languages } = await api.request<{ languages: Language[] }>("GET", "/languages", {
        response: (contract) => contract.languagesResponseSchema,
      });
      return languages;
    },
    async profile() {
      const { profile } = await api.request<{ profile: Profile | null }>("GET", "/profile", {
        response: (contract) => contract.profileResponseSchema,
      });
      return profile ?? null;
    },
    async saveProfile(input) {
      const { profile } = await api.request<{ profile: Profile }>("PUT", "/profile", {
        body: input,
        response: (contract) => contract.profileResponseSchema,
      });
      return profile;
    },
    partnerVisibility() {
      return api.request<PartnerVisibility>("GET", "/profile/partner-organisations", {
        response: (contract) => contract.partnerVisibilityResponseSchema,
      });
    },
    setPartnerVisibility(visible) {
      return api.request<PartnerVisibility>("PUT", "/profile/partner-organisations", {
        body: { visible },
        response: (contract) => contract.partnerVisibilityResponseSchema,
      });
    },
    async suggestions(limit = DEFAULT_SUGGESTION_LIMIT) {
      const { suggestions } = await api.request<{ suggestions: Suggestion[] }>(
        "GET",
        `/partners/suggestions?limit=${limit}`,
        { response: (contract) => contract.suggestionsResponseSchema },
      );
      return suggestions;
    },
    async requestPartner(userId) {
      const { request } = await api.request<{ request: PartnerRequest }>(
        "POST",
        "/partners/requests",
        { body: { user_id: userId }, response: (contract) => contract.requestResponseSchema },
      );
      return request;
    },
    requests: () =>
      api.request<PartnerRequests>("GET", "/partners/requests", {
        response: (contract) => contract.requestsResponseSchema,
      }),
    async acceptRequest(requestId) {
      const { partner } = await api.request<{ partner: Partner }>(
        "POST",
        `/partners/requests/${encodeURIComponent(requestId)}/accept`,
        { response: (contract) => contract.partnerResponseSchema },
      );
      return partner;
    },
    async declineRequest(requestId) {
      const { request } = await api.request<{ request: PartnerRequest }>(
        "POST",
        `/partners/requests/${encodeURIComponent(requestId)}/decline`,
        { response: (contract) => contract.requestResponseSchema },
      );
      return request;
    },
    async partners() {
      const { partners } = await api.request<{ partners: Partner[] }>("GET", "/partners", {
        response: (contract) => contract.partnersResponseSchema,
      });
      return partners;
    },
    async block(userId) {
      await api.request<unknown>("POST", "/blocks", { body: { user_id: userId } });
    },
    async unblock(userId) {
      await api.request<unknown>("DELETE", `/blocks/${encodeURIComponent(userId)}`);
    },
    async blocks() {
      const { blocks } = await api.request<{ blocks: Block[] }>("GET", "/blocks", {
        response: (contract) => contract.blocksResponseSchema,
      });
      return blocks;
    },
    async report(report) {
      const { report: created } = await api.request<{ report: Report }>("POST", "/reports", {
        body: report,
        response: (contract) => contract.reportResponseSchema,
      });
      return created;
    },
    async reports() {
      const { reports } = await api.request<{ reports: Report[] }>("GET", "/reports", {
        response: (contract) => contract.reportsResponseSchema,
      });
      return reports;
    },
  };
}
