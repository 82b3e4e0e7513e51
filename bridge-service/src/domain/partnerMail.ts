import type { PendingMail } from "../store/partnerMailStore.js";
import type { BridgeMailKind, EmailOptOutStore, VerifiedEmails } from "./emailPreferences.js";
import type { PartnerContext, PartnerRequestView } from "./partnerContext.js";
import { peopleByUserId, requestView } from "./partnerPeople.js";

/** One mail as the bridge composes it; the transport adds From. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 8058 one-click unsubscribe URL (List-Unsubscribe + List-Unsubscribe-Post). */
  unsubscribeUrl: string;
  /**
   * The Message-ID, the same on every attempt: a mail resent after a crash (SMTP took it, the
   * bridge died before noting so) is recognisably the same message to the mail client.
   */
  messageId?: string;
}

/** Where mails go out: SMTP (email/smtpTransport.ts). Throws when the mail was not taken. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
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
  /** Where the request, the partnership and the people's names are read. */
  partners: PartnerContext;
  compose: PartnerMailComposer;
  addresses: VerifiedEmails;
  optOuts: EmailOptOutStore;
  signUnsubscribeToken: SignUnsubscribeToken;
  publicUrl: string;
  /** Only this homeserver's learners have addresses here. */
  serverName: string;
  now: () => Date;
}

/** Mails older than this are not sent: longer than every retry (domain/partnerMailOutbox.ts). */
export const MAIL_MAX_AGE_MS = 24 * 3_600_000;

/** How long an acceptance mail waits for its partner room before it goes without the link. */
export const ROOM_WAIT_MS = 60_000;

/** What to do with a mail of the outbox now. */
export type PreparedMail =
  | { send: OutgoingMail }
  /** Never to be sent; the reason is kept with the row. */
  | { skip: string }
  /** Not yet: what the mail links to is still being made (the partner room). */
  | { postpone: string };

/**
 * Turns a mail of the outbox into the mail to send, when it is sent: the learner's opt-out and
 * verified address are read then, not when the request was made, so turning mails off stops
 * mails already waiting. Unverified addresses are never mailed: Synapse's admin API only lists
 * 3PIDs that passed validation. Throws when a lookup failed (the outbox tries again).
 */
export function createPartnerMailWriter(
  deps: PartnerMailerDeps,
): (pending: PendingMail) => Promise<PreparedMail> {
  const linksFor = (userId: string, kind: BridgeMailKind): PartnerMailLinks => ({
    publicUrl: deps.publicUrl,
    unsubscribeUrl: `${deps.publicUrl}${UNSUBSCRIBE_PATH}?token=${deps.signUnsubscribeToken(userId, kind)}`,
    settingsUrl: `${deps.publicUrl}/settings`,
  });

  return async (pending) => {
    const { userId } = pending;
    if (!userId.endsWith(`:${deps.serverName}`)) return { skip: "learner of another server" };
    // News no more: recorded while email was off, say, and the learner has seen it in the app.
    if (deps.now().getTime() - pending.createdAt.getTime() > MAIL_MAX_AGE_MS) {
      return { skip: "too old" };
    }
    if (await deps.optOuts.isOptedOut(userId, "partner")) return { skip: "opted out" };
    const record = await deps.partners.partners.getRequest(pending.requestId);
    if (!record) return { skip: "request gone" };
    // A request answered (or withdrawn) before its mail went out needs no mail any more.
    if (pending.kind === "request_received" && record.status !== "pending") {
      return { skip: `request already ${record.status}` };
    }
    let roomId: string | null = null;
    if (pending.kind === "request_accepted") {
      const partnership = (await deps.partners.partners.partnershipsOf(record.requester)).find(
        (candidate) => candidate.requestId === record.id,
      );
      if (!partnership) return { skip: "partnership ended" };
      roomId = partnership.roomId ?? null;
      // The room is made right after the acceptance; if Synapse keeps failing, the mail goes
      // without it (its link opens the partner list) rather than not at all.
      const age = deps.now().getTime() - pending.createdAt.getTime();
      if (!roomId && age < ROOM_WAIT_MS) return { postpone: "partner room not made yet" };
    }
    const address = await deps.addresses.verifiedEmailOf(userId);
    if (!address) return { skip: "no verified address" };
    if (!isMailableAddress(address)) return { skip: "verified address is not mailable" };
    const people = await peopleByUserId(deps.partners, [record.requester, record.recipient]);
    const request = requestView(record, people);
    const links = linksFor(userId, "partner");
    return {
      send:
        pending.kind === "request_received"
          ? deps.compose.requestReceived(address, request, links)
          : deps.compose.requestAccepted(address, request, roomId, links),
    };
  };
}
