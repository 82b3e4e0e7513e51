import type { PartnerNoticeKind } from "./partnerNoticeStore.js";

/** What a partner mail announces: the same two events as the partner notices. */
export type PartnerMailKind = PartnerNoticeKind;

/** A mail claimed for sending. */
export interface PendingMail {
  /** Unique and stable: the mail's Message-ID is derived from it. */
  id: string;
  kind: PartnerMailKind;
  requestId: string;
  /** Who the mail is for. */
  userId: string;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
}

/** How a mail ended: sent, skipped (nobody to mail, opted out…) or given up after failures. */
export type MailOutcome = "sent" | "skipped" | "given_up";

/**
 * The outbox of partner mails. Rows are written with the partner notices, in the transaction of
 * the request or acceptance they announce (store/pg/partnerMailStore.ts `recordPartnerMail`);
 * this port sends them on. A claim is a lease: a replica that dies holding one leaves the mail to
 * another once `leaseMs` has passed.
 */
export interface PartnerMailStore {
  /**
   * Claims up to `limit` mails that are due (never tried, or a retry whose time has come).
   * Rows another replica is claiming right now are skipped, not waited for.
   */
  claimDue(now: Date, options: { limit: number; leaseMs: number }): Promise<PendingMail[]>;
  /** Releases a claim after a failed attempt; the mail is due again at `at`. */
  retryAt(id: string, at: Date, error: string): Promise<void>;
  /** Releases a claim without counting it as an attempt: the mail was not ready to go. */
  postpone(id: string, at: Date): Promise<void>;
  /** Ends a claimed mail for good; `reason` says why it was skipped or given up. */
  settle(id: string, now: Date, outcome: MailOutcome, reason?: string): Promise<void>;
}
