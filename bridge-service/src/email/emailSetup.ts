import type pg from "pg";
import type { BridgeConfig } from "../config.js";
import type { PartnerMatrix } from "../domain/partnerContext.js";
import { alsoTellByEmail, createPartnerMailer } from "../domain/partnerMail.js";
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
  /** The partner flow's Matrix side, also mailing requests and acceptances. */
  withMail(matrix: PartnerMatrix): PartnerMatrix;
}

/** With email on, partner requests and acceptances are mailed as well as told by the bot. */
export function tellByEmailToo(
  email: BridgeEmail | undefined,
  matrix: PartnerMatrix,
): PartnerMatrix {
  return email ? email.withMail(matrix) : matrix;
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
  return { settings, queue, withMail: (matrix) => alsoTellByEmail(matrix, mailer) };
}
