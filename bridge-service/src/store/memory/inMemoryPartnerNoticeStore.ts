import type {
  PartnerNoticeKind,
  PartnerNoticeStore,
  PendingNotice,
} from "../partnerNoticeStore.js";

interface StoredNotice {
  id: string;
  kind: PartnerNoticeKind;
  requestId: string;
  createdAt: Date;
  nextAttemptAt: Date | undefined;
  attempts: number;
  sentAt: Date | undefined;
  givenUpAt: Date | undefined;
}

export interface InMemoryPartnerNoticeStore extends PartnerNoticeStore {
  /** What the PostgreSQL partner store does inside its transaction (recordPartnerNotice). */
  record(requestId: string, kind: PartnerNoticeKind, now: Date): void;
  /** Every notice, for tests: how many were recorded, sent, given up. */
  all(): Readonly<StoredNotice>[];
}

/** Like the table: each method reads and writes in one synchronous step, so claims never overlap. */
export function createInMemoryPartnerNoticeStore(): InMemoryPartnerNoticeStore {
  const notices = new Map<string, StoredNotice>();
  let nextId = 1;
  const isOpen = (notice: StoredNotice) => !notice.sentAt && !notice.givenUpAt;
  const claim = (notice: StoredNotice, now: Date, leaseMs: number): PendingNotice => {
    notice.attempts += 1;
    notice.nextAttemptAt = new Date(now.getTime() + leaseMs);
    const { id, kind, requestId, attempts, createdAt } = notice;
    return { id, kind, requestId, attempts, createdAt };
  };
  return {
    record(requestId, kind, now) {
      const known = [...notices.values()].some(
        (notice) => notice.requestId === requestId && notice.kind === kind,
      );
      if (known) return;
      const id = String(nextId++);
      notices.set(id, {
        id,
        kind,
        requestId,
        createdAt: now,
        nextAttemptAt: undefined,
        attempts: 0,
        sentAt: undefined,
        givenUpAt: undefined,
      });
    },
    all: () => [...notices.values()].map((notice) => ({ ...notice })),
    async claimDue(now, { limit, leaseMs, untriedBefore }) {
      const due = (notice: StoredNotice) =>
        isOpen(notice) &&
        (notice.nextAttemptAt
          ? notice.nextAttemptAt <= now
          : notice.createdAt.getTime() < untriedBefore.getTime());
      const dueAt = (notice: StoredNotice) => (notice.nextAttemptAt ?? notice.createdAt).getTime();
      return [...notices.values()]
        .filter(due)
        .sort((a, b) => dueAt(a) - dueAt(b))
        .slice(0, limit)
        .map((notice) => claim(notice, now, leaseMs));
    },
    async claimUntried(requestId, kind, now, leaseMs) {
      const notice = [...notices.values()].find(
        (candidate) =>
          candidate.requestId === requestId &&
          candidate.kind === kind &&
          isOpen(candidate) &&
          !candidate.nextAttemptAt,
      );
      return notice && claim(notice, now, leaseMs);
    },
    async markSent(id, now) {
      const notice = notices.get(id);
      if (notice) notice.sentAt = now;
    },
    async retryAt(id, at) {
      const notice = notices.get(id);
      if (notice && isOpen(notice)) notice.nextAttemptAt = at;
    },
    async giveUp(id, now) {
      const notice = notices.get(id);
      if (notice && isOpen(notice)) notice.givenUpAt = now;
    },
    async forgetSettledBefore(before) {
      let forgotten = 0;
      for (const [id, notice] of notices) {
        const settled = notice.sentAt ?? notice.givenUpAt;
        if (settled && settled < before) {
          notices.delete(id);
          forgotten++;
        }
      }
      return forgotten;
    },
  };
}
