import type pg from "pg";
import type { BridgeConfig } from "../config.js";
import type { PartnerContext } from "../domain/partnerContext.js";
import { createPartnerMailWriter } from "../domain/partnerMail.js";
import { createPartnerMailOutbox, startPartnerMailSweep } from "../domain/partnerMailOutbox.js";
import type { EmailSettings } from "../http/emailRouter.js";
import type { Logger } from "../logger.js";
import type { SynapseAdmin } from "../matrix/synapseAdmin.js";
import { createPgEmailOptOutStore } from "../store/pg/emailOptOutStore.js";
import { createPgPartnerMailStore } from "../store/pg/partnerMailStore.js";
import { partnerMailComposer } from "./partnerMails.js";
import { createSmtpTransport } from "./smtpTransport.js";
import { createUnsubscribeTokens } from "./unsubscribeTokens.js";

export interface BridgeEmail {
  settings: EmailSettings;
  /**
   * Starts sending the partner-mail outbox (rows the partner store writes with each request and
   * acceptance); returns a function that stops it.
   */
  startSending(partners: PartnerContext): () => void;
}

/** The bridge's mail, if SMTP is configured; the SMTP settings themselves are never logged. */
export function createBridgeEmail(
  config: BridgeConfig,
  pool: pg.Pool,
  synapse: SynapseAdmin,
  logger: Logger,
): BridgeEmail | undefined {
  if (!config.email) {
    logger.info("email is off: SMTP_HOST is not set");
    return undefined;
  }
  const email = config.email;
  const log = logger.child({ component: "email" });
  const settings: EmailSettings = {
    optOuts: createPgEmailOptOutStore(pool),
    tokens: createUnsubscribeTokens(config.auth.sessionSecret),
    now: () => new Date(),
  };
  return {
    settings,
    startSending(partners) {
      const outbox = createPartnerMailOutbox({
        store: createPgPartnerMailStore(pool),
        prepare: createPartnerMailWriter({
          partners,
          compose: partnerMailComposer,
          addresses: {
            verifiedEmailOf: async (userId) => (await synapse.verifiedEmails(userId))[0],
          },
          optOuts: settings.optOuts,
          signUnsubscribeToken: (userId, kind) => settings.tokens.sign(userId, kind),
          publicUrl: config.publicUrl,
          serverName: config.matrix.serverName,
          now: () => new Date(),
        }),
        transport: createSmtpTransport(email),
        messageIdDomain: new URL(config.publicUrl).hostname,
        logger: log,
      });
      return startPartnerMailSweep(outbox, log);
    },
  };
}
