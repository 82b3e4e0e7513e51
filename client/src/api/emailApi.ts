import type { EmailSettingsJson } from "@xstream/contract";
import type { ApiClient } from "./ApiClient";

/** The bridge's answer about mail (GET/PUT /api/email/settings). */
export type { EmailSettingsJson };

/** The bridge's email endpoints. Every method rejects with an ApiError. */
export type EmailApi = {
  settings(): Promise<EmailSettingsJson>;
  setPartnerMails(on: boolean): Promise<EmailSettingsJson>;
};

export function createEmailApi(api: Pick<ApiClient, "request">): EmailApi {
  return {
    settings: () =>
      api.request<EmailSettingsJson>("GET", "/email/settings", {
        response: (contract) => contract.emailSettingsResponseSchema,
      }),
    setPartnerMails: (on) =>
      api.request<EmailSettingsJson>("PUT", "/email/settings", {
        body: { partner_mails: on },
        response: (contract) => contract.emailSettingsResponseSchema,
      }),
  };
}
