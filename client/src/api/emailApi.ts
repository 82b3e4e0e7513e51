import type { ApiClient } from "./ApiClient";

/** The bridge's answer about mail (GET/PUT /api/email/settings). */
export type EmailSettingsJson = {
  /** Whether this server sends mail at all (SMTP configured). */
  enabled: boolean;
  /** Whether the bridge mails partner requests and new partners. */
  partner_mails: boolean;
};

/** The bridge's email endpoints. Every method rejects with an ApiError. */
export type EmailApi = {
  settings(): Promise<EmailSettingsJson>;
  setPartnerMails(on: boolean): Promise<EmailSettingsJson>;
};

export function createEmailApi(api: Pick<ApiClient, "request">): EmailApi {
  return {
    settings: () => api.request<EmailSettingsJson>("GET", "/email/settings"),
    setPartnerMails: (on) =>
      api.request<EmailSettingsJson>("PUT", "/email/settings", { body: { partner_mails: on } }),
  };
}
