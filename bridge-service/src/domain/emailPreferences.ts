/**
 * Which mails the bridge sends a learner. Synapse's missed-message mails are Synapse's own
 * (its email pusher); these are the bridge's: partner requests and acceptances, one kind, so one
 * unsubscribe link stops both.
 */
export const BRIDGE_MAIL_KINDS = ["partner"] as const;
export type BridgeMailKind = (typeof BRIDGE_MAIL_KINDS)[number];

/** The learners who turned a kind of mail off (settings or an unsubscribe link). */
export interface EmailOptOutStore {
  isOptedOut(userId: string, kind: BridgeMailKind): Promise<boolean>;
  /** Idempotent either way. */
  setOptedOut(userId: string, kind: BridgeMailKind, optedOut: boolean, at: Date): Promise<void>;
}

/** The address a learner verified with the homeserver (3PID), if any. */
export interface VerifiedEmails {
  verifiedEmailOf(userId: string): Promise<string | undefined>;
}
