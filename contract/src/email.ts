import { z } from "zod";
import { UNSUBSCRIBE_TOKEN_MAX_LENGTH } from "./limits.js";

// /api/email/*: the learner's partner-mail choice and the unsubscribe link.

export const emailSettingsResponseSchema = z
  .object({
    enabled: z
      .boolean()
      .describe(
        "Whether this server sends mail at all (SMTP configured); when false, nothing below applies.",
      ),
    partner_mails: z
      .boolean()
      .describe(
        "Whether the bridge mails this learner's verified address about partner requests and acceptances.",
      ),
  })
  .meta({ title: "EmailSettingsResponse" });
export type EmailSettingsResponseJson = z.infer<typeof emailSettingsResponseSchema>;

export const emailSettingsRequestSchema = z
  .strictObject({ partner_mails: z.boolean() })
  .meta({ title: "EmailSettingsRequest" });

export const unsubscribeQuerySchema = z.object({
  token: z.string().min(1).max(UNSUBSCRIBE_TOKEN_MAX_LENGTH),
});
export type EmailSettingsJson = EmailSettingsResponseJson;
