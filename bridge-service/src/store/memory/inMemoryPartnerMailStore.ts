import type {
  MailOutcome,
  PartnerMailKind,
  PartnerMailStore,
  PendingMail,
} from "../partnerMailStore.js";

interface StoredMail {
  id: string;
  kind: PartnerMailKind;
  requestId: string;
  userId: string;
  createdAt: Date;
  nextAttemptAt: Date | undefined;
  attempts: number;
  lastError: string | undefined;
  settledAt: Date | undefined;
  outcome: MailOutcome | undefined;
  reason: string | undefined;
}

export interface InMemoryPartnerMailStore extends PartnerMailStore {
  /** What the PostgreSQL partner store does inside its transaction (recordPartnerMail). */
  record(requestId: string, kind: PartnerMailKind, userId: string, now: Date): void;
  /** Every mail, for tests: how many were recorded, sent, skipped, given up. */
  all(): Readonly<StoredMail>[];
}

/** Like the table: each method reads and writes in one synchronous step, so claims never overlap. */
export function createInMemoryPartnerMailStore(): InMemoryPartnerMailStore {
  const mails = new Map<string, StoredMail>();
  let nextId = 1;
  return {
    record(requestId, kind, userId, now) {
      const known = [...mails.values()].some(
        (mail) => mail.requestId === requestId && mail.kind === kind,
      );
      if (known) return;
      const id = String(nextId++);
      mails.set(id, {
        id,
        kind,
        requestId,
        userId,
        createdAt: now,
        nextAttemptAt: undefined,
        attempts: 0,
        lastError: undefined,
        settledAt: undefined,
        outcome: undefined,
        reason: undefined,
      });
    },
    all: () => [...mails.values()].map((mail) => ({ ...mail })),
    async claimDue(now, { limit, leaseMs }) {
      const due = [...mails.values()]
        .filter((mail) => !mail.settledAt && (mail.nextAttemptAt ?? mail.createdAt) <= now)
        .sort(
          (a, b) =>
            (a.nextAttemptAt ?? a.createdAt).getTime() - (b.nextAttemptAt ?? b.createdAt).getTime(),
        )
        .slice(0, limit);
      return due.map((mail): PendingMail => {
        mail.attempts += 1;
        mail.nextAttemptAt = new Date(now.getTime() + leaseMs);
        const { id, kind, requestId, userId, attempts, createdAt } = mail;
        return { id, kind, requestId, userId, attempts, createdAt };
      });
    },
    async retryAt(id, at, error) {
      const mail = mails.get(id);
      if (!mail || mail.settledAt) return;
      mail.nextAttemptAt = at;
      mail.lastError = error;
    },
    async postpone(id, at) {
      const mail = mails.get(id);
      if (!mail || mail.settledAt) return;
      mail.nextAttemptAt = at;
      mail.attempts = Math.max(mail.attempts - 1, 0);
    },
    async settle(id, now, outcome, reason) {
      const mail = mails.get(id);
      if (!mail || mail.settledAt) return;
      mail.settledAt = now;
      mail.outcome = outcome;
      mail.reason = reason;
    },
  };
}
