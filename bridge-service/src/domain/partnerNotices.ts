// The sender side of the partner-notice outbox: notices recorded with their request or
// acceptance (store/partnerNoticeStore.ts) are sent by whichever replica claims them first.
import type { Logger } from "../logger.js";
import type {
  PartnerNoticeKind,
  PartnerNoticeStore,
  PendingNotice,
} from "../store/partnerNoticeStore.js";
import { repeatEvery } from "./repeatEvery.js";

export type { PartnerNoticeKind, PendingNotice };

export interface PartnerNoticeOutboxDeps {
  store: PartnerNoticeStore;
  /** Sends one notice; throws when it should be tried again (bot/partnerNotices.ts). */
  deliver: (notice: PendingNotice) => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** Waits between attempts; the number of attempts is its length plus one. */
  retryDelaysMs?: readonly number[];
  /** How long one claim keeps other replicas away: longer than any single send takes. */
  leaseMs?: number;
  /** How long the writer has to send a new notice itself before the sweep takes over. */
  writerGraceMs?: number;
  /** How many notices one sweep claims. */
  batchSize?: number;
}

export interface PartnerNoticeOutbox {
  /** The writer's own first attempt, right after its transaction; never throws. */
  deliverNow(requestId: string, kind: PartnerNoticeKind): Promise<void>;
  /** Claims and sends what is due (a writer that died, retries); resolves with how many were tried. */
  sweep(): Promise<number>;
  /** Forgets notices settled before `before`. */
  forgetSettledBefore(before: Date): Promise<number>;
}

export const DEFAULT_NOTICE_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000, 600_000] as const;

export function createPartnerNoticeOutbox({
  store,
  deliver,
  logger,
  now = () => new Date(),
  retryDelaysMs = DEFAULT_NOTICE_RETRY_DELAYS_MS,
  leaseMs = 60_000,
  writerGraceMs = 15_000,
  batchSize = 20,
}: PartnerNoticeOutboxDeps): PartnerNoticeOutbox {
  const log = logger.child({ component: "partner-notices" });

  async function attempt(notice: PendingNotice): Promise<void> {
    const context = { noticeId: notice.id, kind: notice.kind, requestId: notice.requestId };
    try {
      await deliver(notice);
    } catch (error) {
      const delay = retryDelaysMs[notice.attempts - 1];
      if (delay === undefined) {
        await store.giveUp(notice.id, now());
        log.error(
          { err: error, ...context, attempts: notice.attempts },
          "gave up sending a partner notice",
        );
        return;
      }
      log.warn({ err: error, ...context, attempt: notice.attempts }, "partner notice not sent yet");
      await store.retryAt(notice.id, new Date(now().getTime() + delay));
      return;
    }
    // A crash before this line leaves the claim to expire; the resend that follows carries the
    // same transaction id, so the learner still sees one notice.
    await store.markSent(notice.id, now());
  }

  return {
    async deliverNow(requestId, kind) {
      try {
        const notice = await store.claimUntried(requestId, kind, now(), leaseMs);
        if (notice) await attempt(notice);
      } catch (error) {
        // Left to the sweep, which finds the notice once the writer's grace has passed.
        log.warn({ err: error, requestId, kind }, "partner notice left to the sweep");
      }
    },
    async sweep() {
      const at = now();
      const claimed = await store.claimDue(at, {
        limit: batchSize,
        leaseMs,
        untriedBefore: new Date(at.getTime() - writerGraceMs),
      });
      for (const notice of claimed) {
        try {
          await attempt(notice);
        } catch (error) {
          log.warn({ err: error, noticeId: notice.id }, "partner notice left for a later sweep");
        }
      }
      return claimed.length;
    },
    forgetSettledBefore: (before) => store.forgetSettledBefore(before),
  };
}

/**
 * Sweeps the outbox every `intervalMs` on this replica (every replica does; claims keep them
 * apart), and forgets settled notices after a day.
 * @returns a function that stops sweeping.
 */
export function startPartnerNoticeSweep(
  outbox: PartnerNoticeOutbox,
  logger: Logger,
  { intervalMs = 2_000, keepSettledMs = 24 * 3_600_000, now = () => new Date() } = {},
): () => void {
  let lastForgotten = 0;
  return repeatEvery(
    intervalMs,
    async () => {
      const tried = await outbox.sweep();
      if (tried) logger.info({ tried }, "partner notices swept");
      if (now().getTime() - lastForgotten > keepSettledMs / 24) {
        lastForgotten = now().getTime();
        await outbox.forgetSettledBefore(new Date(lastForgotten - keepSettledMs));
      }
    },
    (error) => logger.warn({ err: error }, "sweeping partner notices failed; retrying later"),
  );
}
