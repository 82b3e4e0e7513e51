import type { MailOutbox, OutgoingMail } from "../domain/partnerMail.js";
import type { Logger } from "../logger.js";

export type { OutgoingMail };

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

export interface MailQueueOptions {
  transport: MailTransport;
  logger: Logger;
  /** Mails waiting at most; past it new mails are dropped (and counted in the log). */
  capacity?: number;
  /** Attempts per mail before it is given up. */
  maxAttempts?: number;
  /** Wait before the first retry; doubled each time. */
  retryDelayMs?: number;
  /** Mails in flight at once. */
  concurrency?: number;
}

export interface MailQueue extends MailOutbox {
  /** Never waits for SMTP and never throws: false when the queue is full and the mail dropped. */
  enqueue(mail: OutgoingMail): boolean;
  /** Mails waiting or in flight. */
  pending(): number;
  /** Resolves once nothing is waiting or in flight (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * The bridge's outbox: request handlers hand a mail over and return at once; a few workers send
 * through SMTP, retrying with a doubling delay. Memory-bound by `capacity`, so a dead mail server
 * costs at most that many mails, not the bridge. Mails still waiting when the bridge stops are
 * lost (they are courtesy notices; the learner also finds the request in the app and the bot DM).
 * Logs never name the recipient.
 */
export function createMailQueue({
  transport,
  logger,
  capacity = 1_000,
  maxAttempts = 5,
  retryDelayMs = 2_000,
  concurrency = 2,
}: MailQueueOptions): MailQueue {
  const waiting: { mail: OutgoingMail; attempt: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let retrying = 0;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const checkIdle = () => {
    if (waiting.length + inFlight + retrying > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (!stopped && inFlight < concurrency && waiting.length > 0) {
      const next = waiting.shift();
      if (!next) break;
      inFlight++;
      transport
        .send(next.mail)
        .then(
          () => logger.debug({ attempt: next.attempt }, "mail sent"),
          (error: unknown) => {
            const reason = error instanceof Error ? error.message : String(error);
            if (next.attempt >= maxAttempts || stopped) {
              logger.warn({ reason, attempts: next.attempt }, "mail given up");
              return;
            }
            const delay = retryDelayMs * 2 ** (next.attempt - 1);
            logger.info({ reason, retryInMs: delay }, "mail not sent; retrying");
            retrying++;
            const timer = setTimeout(() => {
              timers.delete(timer);
              retrying--;
              waiting.push({ mail: next.mail, attempt: next.attempt + 1 });
              pump();
            }, delay);
            timer.unref();
            timers.add(timer);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
          checkIdle();
        });
    }
    checkIdle();
  };

  return {
    enqueue(mail) {
      if (stopped) return false;
      if (waiting.length + inFlight + retrying >= capacity) {
        logger.warn({ capacity }, "mail queue full; mail dropped");
        return false;
      }
      waiting.push({ mail, attempt: 1 });
      // Later: the caller's request finishes before any SMTP work starts.
      setImmediate(pump);
      return true;
    },
    pending: () => waiting.length + inFlight + retrying,
    idle() {
      if (waiting.length + inFlight + retrying === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      retrying = 0;
      waiting.length = 0;
      checkIdle();
    },
  };
}
