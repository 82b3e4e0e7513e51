// The sender side of the partner-mail outbox: mails recorded with their request or acceptance
// (store/pg/partnerMailStore.ts) are sent through SMTP by whichever replica claims them first.
import type { Logger } from "../logger.js";
import type { PartnerMailStore, PendingMail } from "../store/partnerMailStore.js";
import type { MailTransport, OutgoingMail, PreparedMail } from "./partnerMail.js";
import { repeatEvery } from "./repeatEvery.js";

export interface PartnerMailOutboxDeps {
  store: PartnerMailStore;
  /** What to send for a mail, read when it is sent (domain/partnerMail.ts); throws to retry. */
  prepare: (pending: PendingMail) => Promise<PreparedMail>;
  transport: MailTransport;
  /** The right-hand side of Message-IDs, e.g. the public host name. */
  messageIdDomain: string;
  logger: Logger;
  now?: () => Date;
  /** Waits between attempts; the number of attempts is its length plus one. */
  retryDelaysMs?: readonly number[];
  /** How long one claim keeps other replicas away: longer than any attempt may take. */
  leaseMs?: number;
  /** Mails claimed, and sent side by side, at once. */
  concurrency?: number;
  /** Claims one sweep makes at most, so a long backlog still lets the timer breathe. */
  maxRoundsPerSweep?: number;
  /** How long a mail waits when it is not ready yet (its partner room is being made). */
  postponeMs?: number;
}

export interface PartnerMailOutbox {
  /** Claims and sends what is due; resolves with how many mails were tried. */
  sweep(): Promise<number>;
}

/**
 * About nine and a half hours of retries: an SMTP relay down for an afternoon loses nothing,
 * and a mail that still cannot go after that is given up with the last error kept.
 */
export const DEFAULT_MAIL_RETRY_DELAYS_MS = [
  10_000, 60_000, 300_000, 1_800_000, 7_200_000, 25_200_000,
] as const;

/** Longest error text logged and kept. */
const ERROR_MAX_CHARS = 300;

const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX_CHARS);

export function createPartnerMailOutbox({
  store,
  prepare,
  transport,
  messageIdDomain,
  logger,
  now = () => new Date(),
  retryDelaysMs = DEFAULT_MAIL_RETRY_DELAYS_MS,
  leaseMs = 300_000,
  concurrency = 2,
  maxRoundsPerSweep = 50,
  postponeMs = 2_000,
}: PartnerMailOutboxDeps): PartnerMailOutbox {
  const log = logger.child({ component: "partner-mails" });
  // An SMTP server that accepts the connection and then stalls must not outlast the lease, or
  // another replica would claim the mail while this one may still send it.
  const attemptTimeoutMs = Math.floor(leaseMs / 2);

  async function sendWithin(mail: OutgoingMail, timeoutMs: number) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        transport.send(mail),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("SMTP took too long")), timeoutMs);
          timer.unref();
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function attempt(pending: PendingMail): Promise<void> {
    const context = { mailId: pending.id, kind: pending.kind, userId: pending.userId };
    try {
      const prepared = await prepare(pending);
      if ("skip" in prepared) {
        await store.settle(pending.id, now(), "skipped", prepared.skip);
        log.debug({ ...context, reason: prepared.skip }, "partner mail skipped");
        return;
      }
      if ("postpone" in prepared) {
        // Not an attempt: waiting for the room must not use up the retries SMTP may need.
        await store.postpone(pending.id, new Date(now().getTime() + postponeMs));
        return;
      }
      const messageId = `<partner-mail-${pending.id}@${messageIdDomain}>`;
      await sendWithin({ ...prepared.send, messageId }, attemptTimeoutMs);
    } catch (error) {
      const reason = errorText(error);
      const delay = retryDelaysMs[pending.attempts - 1];
      if (delay === undefined) {
        await store.settle(pending.id, now(), "given_up", reason);
        log.error({ ...context, reason, attempts: pending.attempts }, "gave up a partner mail");
        return;
      }
      log.warn({ ...context, reason, retryInMs: delay }, "partner mail not sent yet");
      await store.retryAt(pending.id, new Date(now().getTime() + delay), reason);
      return;
    }
    // A crash before this line leaves the claim to expire and the mail is sent again: SMTP has
    // no idempotency, so this one instant is at-least-once. The Message-ID stays the same.
    await store.settle(pending.id, now(), "sent");
    log.info({ ...context, attempt: pending.attempts }, "partner mail sent");
  }

  return {
    async sweep() {
      let tried = 0;
      for (let round = 0; round < maxRoundsPerSweep; round++) {
        const claimed = await store.claimDue(now(), { limit: concurrency, leaseMs });
        await Promise.all(
          claimed.map((pending) =>
            attempt(pending).catch((error: unknown) => {
              // The database failed us: the lease runs out and the mail is claimed again.
              log.warn({ err: error, mailId: pending.id }, "partner mail left for a later sweep");
            }),
          ),
        );
        tried += claimed.length;
        if (claimed.length < concurrency) break;
      }
      return tried;
    },
  };
}

/**
 * Sweeps the mail outbox every `intervalMs` on this replica (every replica does; claims keep
 * them apart).
 * @returns a function that stops sweeping.
 */
export function startPartnerMailSweep(
  outbox: PartnerMailOutbox,
  logger: Logger,
  { intervalMs = 2_000 } = {},
): () => void {
  return repeatEvery(
    intervalMs,
    async () => {
      await outbox.sweep();
    },
    (error) => logger.warn({ err: error }, "sweeping partner mails failed; retrying later"),
  );
}
