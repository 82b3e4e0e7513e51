/** What a partner notice announces; the text is rendered when it is sent, from the request. */
export type PartnerNoticeKind = "request_received" | "request_accepted";

/** A notice claimed for sending. */
export interface PendingNotice {
  /** Unique and stable: the Matrix transaction id is derived from it. */
  id: string;
  kind: PartnerNoticeKind;
  requestId: string;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
}

/**
 * The outbox of partner notices. Rows are written by the partner store, in the transaction of
 * the request or acceptance they announce (store/partnerStore.ts); this port sends them on.
 * A claim is a lease: a replica that dies while holding one leaves the notice to another once
 * `leaseMs` has passed.
 */
export interface PartnerNoticeStore {
  /**
   * Claims up to `limit` notices that are due: retries whose time has come, and first attempts
   * of notices created before `untriedBefore` (younger ones are being sent by their writer).
   * Rows another replica is claiming right now are skipped, not waited for.
   */
  claimDue(
    now: Date,
    options: { limit: number; leaseMs: number; untriedBefore: Date },
  ): Promise<PendingNotice[]>;
  /** Claims the notice of `kind` for `requestId` if nobody has tried it yet. */
  claimUntried(
    requestId: string,
    kind: PartnerNoticeKind,
    now: Date,
    leaseMs: number,
  ): Promise<PendingNotice | undefined>;
  markSent(id: string, now: Date): Promise<void>;
  /** Releases a claim after a failed attempt; the notice is due again at `at`. */
  retryAt(id: string, at: Date): Promise<void>;
  /** Stops trying: the notice stays for the record but is never claimed again. */
  giveUp(id: string, now: Date): Promise<void>;
  /** Forgets notices sent or given up before `before`; returns how many. */
  forgetSettledBefore(before: Date): Promise<number>;
}
