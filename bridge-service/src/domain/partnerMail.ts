import type { Logger } from "../logger.js";
import type { BridgeMailKind, EmailOptOutStore, VerifiedEmails } from "./emailPreferences.js";
import type { PartnerRequestView } from "./partnerContext.js";

/** One mail as the bridge composes it; the transport adds From. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 8058 one-click unsubscribe URL (List-Unsubscribe + List-Unsubscribe-Post). */
  unsubscribeUrl: string;
}

/** Where mails go out: hands over at once, never waits for SMTP (email/mailQueue.ts). */
export interface MailOutbox {
  /** False when the mail was dropped (outbox full). */
  enqueue(mail: OutgoingMail): boolean;
}

/** The links every partner mail carries. */
export interface PartnerMailLinks {
  /** The web client's origin, e.g. https://chat.example.org. */
  publicUrl: string;
  /** The one-click unsubscribe URL for this recipient. */
  unsubscribeUrl: string;
  /** Where the recipient manages email (Settings). */
  settingsUrl: string;
}

/** Writes the mails' words (email/partnerMails.ts), as the bot's replies are written in bot/. */
export interface PartnerMailComposer {
  requestReceived(to: string, request: PartnerRequestView, links: PartnerMailLinks): OutgoingMail;
  requestAccepted(
    to: string,
    request: PartnerRequestView,
    roomId: string | null,
    links: PartnerMailLinks,
  ): OutgoingMail;
}

/** Signs the token of an unsubscribe link for one learner and kind of mail. */
export type SignUnsubscribeToken = (userId: string, kind: BridgeMailKind) => string;

export const UNSUBSCRIBE_PATH = "/api/email/unsubscribe";

/**
 * Synapse checks little more than one "@" in an address, and anyone can ask it to validate one
 * over the client-server API. Before an address reaches an SMTP envelope or a To header it must
 * be one plain line: no whitespace, controls, quotes, brackets or separators, bounded length.
 */
const MAILABLE_ADDRESS = /^[^\s@<>()[\]\\,;:"\p{Cc}]{1,64}@[A-Za-z0-9.-]{1,253}$/u;

export function isMailableAddress(address: string): boolean {
  return MAILABLE_ADDRESS.test(address) && !/[\u2028\u2029]/.test(address);
}

export interface PartnerMailerDeps {
  outbox: MailOutbox;
  compose: PartnerMailComposer;
  addresses: VerifiedEmails;
  optOuts: EmailOptOutStore;
  signUnsubscribeToken: SignUnsubscribeToken;
  publicUrl: string;
  /** Only this homeserver's learners have addresses here. */
  serverName: string;
  logger: Logger;
}

export interface PartnerMailer {
  /** Resolve once the mail is queued or skipped; never reject, never wait for SMTP. */
  requestReceived(request: PartnerRequestView): Promise<void>;
  requestAccepted(request: PartnerRequestView, roomId: string | null): Promise<void>;
}

/**
 * Mails a learner about partner requests at the address they verified with Synapse, unless they
 * turned partner mails off. Unverified addresses are never mailed: Synapse's admin API only lists
 * 3PIDs that passed validation. Logs name the learner, never the address.
 */
export function createPartnerMailer(deps: PartnerMailerDeps): PartnerMailer {
  const isLocal = (userId: string) => userId.endsWith(`:${deps.serverName}`);

  const linksFor = (userId: string, kind: BridgeMailKind): PartnerMailLinks => ({
    publicUrl: deps.publicUrl,
    unsubscribeUrl: `${deps.publicUrl}${UNSUBSCRIBE_PATH}?token=${deps.signUnsubscribeToken(userId, kind)}`,
    settingsUrl: `${deps.publicUrl}/settings`,
  });

  async function mail(
    userId: string,
    what: string,
    compose: (to: string, links: PartnerMailLinks) => OutgoingMail,
  ): Promise<void> {
    if (!isLocal(userId)) return;
    try {
      if (await deps.optOuts.isOptedOut(userId, "partner")) return;
      const address = await deps.addresses.verifiedEmailOf(userId);
      if (!address) return;
      if (!isMailableAddress(address)) {
        deps.logger.warn({ userId, what }, "verified address is not mailable; skipped");
        return;
      }
      if (deps.outbox.enqueue(compose(address, linksFor(userId, "partner")))) {
        deps.logger.debug({ userId, what }, "partner mail queued");
      }
    } catch (error) {
      deps.logger.warn({ err: error, userId, what }, "partner mail not queued");
    }
  }

  return {
    requestReceived: (request) =>
      mail(request.recipient.userId, "request", (to, links) =>
        deps.compose.requestReceived(to, request, links),
      ),
    requestAccepted: (request, roomId) =>
      mail(request.requester.userId, "accepted", (to, links) =>
        deps.compose.requestAccepted(to, request, roomId, links),
      ),
  };
}
