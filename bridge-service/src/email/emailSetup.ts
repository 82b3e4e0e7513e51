import type pg from "pg";
import type { BridgeConfig } from "../config.js";
import { createPartnerMailer, type PartnerMailer } from "../domain/partnerMail.js";
import type { EmailSettings } from "../http/emailRouter.js";
import type { Logger } from "../logger.js";
import type { SynapseAdmin } from "../matrix/synapseAdmin.js";
import { createPgEmailOptOutStore } from "../store/pg/emailOptOutStore.js";
import { createMailQueue, type MailQueue } from "./mailQueue.js";
import { partnerMailComposer } from "./partnerMails.js";
import { createSmtpTransport } from "./smtpTransport.js";
import { createUnsubscribeTokens } from "./unsubscribeTokens.js";

export interface BridgeEmail {
  settings: EmailSettings;
  queue: MailQueue;
  /** Mails partner requests and acceptances; the partner-notice outbox calls it. */
  mailer: PartnerMailer;
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
  const log = logger.child({ component: "email" });
  const settings: EmailSettings = {
    optOuts: createPgEmailOptOutStore(pool),
    tokens: createUnsubscribeTokens(config.auth.sessionSecret),
    now: () => new Date(),
  };
  const queue = createMailQueue({ transport: createSmtpTransport(config.email), logger: log });
  const mailer = createPartnerMailer({
    outbox: queue,
    compose: partnerMailComposer,
    addresses: {
      verifiedEmailOf: async (userId) => (await synapse.verifiedEmails(userId))[0],
    },
    optOuts: settings.optOuts,
    signUnsubscribeToken: (userId, kind) => settings.tokens.sign(userId, kind),
    publicUrl: config.publicUrl,
    serverName: config.matrix.serverName,
    logger: log,
  });
  return { settings, queue, mailer };
}
