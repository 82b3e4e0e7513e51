import {
  type EmailSettingsResponseJson,
  emailSettingsRequestSchema,
  unsubscribeQuerySchema,
} from "@xstream/contract";
import express, { Router } from "express";
import { matrixUserIdOf } from "../domain/accounts.js";
import type { AuthContext } from "../domain/authContext.js";
import type { EmailOptOutStore } from "../domain/emailPreferences.js";
import type { UnsubscribeTokens } from "../email/unsubscribeTokens.js";
import { MatrixError, parseBody } from "./errors.js";
import { requireSession, sessionOf } from "./sessionAuth.js";

/** What the email endpoints need; undefined when SMTP is not configured. */
export interface EmailSettings {
  optOuts: EmailOptOutStore;
  tokens: UnsubscribeTokens;
  now: () => Date;
}

const SETTINGS_BODY_LIMIT = "1kb";
/** RFC 8058's body is `List-Unsubscribe=One-Click`; nothing bigger is read. */
const ONE_CLICK_BODY_LIMIT = "1kb";

const invalidLink = () =>
  new MatrixError(400, "M_UNKNOWN_TOKEN", "This unsubscribe link is not valid.");

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em"><h1>${title}</h1>${body}</body></html>`;

/**
 * The unsubscribe link of the bridge's mails, outside /api's CSRF check: mail clients POST to it
 * from nowhere in particular (RFC 8058 one-click), and the signed token is the whole
 * authorisation. GET only shows a button, because mail scanners fetch links on their own.
 */
export function emailUnsubscribeRouter(email: EmailSettings | undefined): Router {
  const router = Router();
  const verify = (query: unknown) => {
    if (!email)
      throw new MatrixError(404, "M_NOT_FOUND", "Email is not configured on this server.");
    const { token } = parseBody(unsubscribeQuerySchema, query);
    const target = email.tokens.verify(token);
    if (!target) throw invalidLink();
    return { email, token, target };
  };

  router.get("/", (req, res) => {
    const { token } = verify(req.query);
    res
      .type("html")
      .send(
        page(
          "Stop partner mails?",
          `<p>You will no longer get mails about partner requests and new partners. The app still shows them, and you can turn the mails back on in Settings.</p><form method="post" action="?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
  });

  router.post(
    "/",
    express.urlencoded({ extended: false, limit: ONE_CLICK_BODY_LIMIT }),
    async (req, res) => {
      const { email, target } = verify(req.query);
      await email.optOuts.setOptedOut(target.userId, target.kind, true, email.now());
      res
        .type("html")
        .send(
          page(
            "Unsubscribed",
            "<p>You will no longer get partner mails. You can turn them back on in Settings.</p>",
          ),
        );
    },
  );
  return router;
}

/** /api/email/settings: whether mail is on here, and the learner's partner-mail choice. */
export function emailApiRouter(auth: AuthContext, email: EmailSettings | undefined): Router {
  const router = Router();
  const userOf = (res: express.Response) =>
    matrixUserIdOf(sessionOf(res).account.username, auth.settings.serverName);
  const settingsOf = async (userId: string): Promise<EmailSettingsResponseJson> =>
    email
      ? { enabled: true, partner_mails: !(await email.optOuts.isOptedOut(userId, "partner")) }
      : { enabled: false, partner_mails: false };

  router.get("/email/settings", requireSession(auth), async (_req, res) => {
    res.json(await settingsOf(userOf(res)));
  });

  router.put(
    "/email/settings",
    requireSession(auth),
    express.json({ limit: SETTINGS_BODY_LIMIT }),
    async (req, res) => {
      if (!email)
        throw new MatrixError(404, "M_NOT_FOUND", "Email is not configured on this server.");
      const body = parseBody(emailSettingsRequestSchema, req.body);
      const userId = userOf(res);
      await email.optOuts.setOptedOut(userId, "partner", !body.partner_mails, email.now());
      res.json(await settingsOf(userId));
    },
  );
  return router;
}
