import { describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createMailQueue, type OutgoingMail } from "./mailQueue.js";

const mail = (n: number): OutgoingMail => ({
  to: `learner${n}@example.org`,
  subject: `mail ${n}`,
  text: "hello",
  html: "<p>hello</p>",
  unsubscribeUrl: "https://example.org/api/email/unsubscribe?token=x",
});

describe("the mail queue", () => {
  it("hands a mail over without waiting for SMTP, then sends it", async () => {
    const { logger } = createCapturedLogger();
    const sent: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = createMailQueue({
      logger,
      transport: {
        async send(m) {
          await gate;
          sent.push(m.subject);
        },
      },
    });
    expect(queue.enqueue(mail(1))).toBe(true);
    expect(sent).toEqual([]);
    release();
    await queue.idle();
    expect(sent).toEqual(["mail 1"]);
  });

  it("retries a failing server with growing delays, then gives up, logging no address", async () => {
    const { logger, lines } = createCapturedLogger();
    const attempts: number[] = [];
    const queue = createMailQueue({
      logger,
      retryDelayMs: 5,
      maxAttempts: 3,
      transport: {
        async send() {
          attempts.push(Date.now());
          throw new Error("connect ECONNREFUSED");
        },
      },
    });
    queue.enqueue(mail(7));
    await queue.idle();
    expect(attempts).toHaveLength(3);
    expect(lines.join("")).toContain("mail given up");
    expect(lines.join("")).not.toContain("learner7@example.org");
  });

  it("succeeds on a retry after a transient failure", async () => {
    const { logger } = createCapturedLogger();
    let calls = 0;
    const queue = createMailQueue({
      logger,
      retryDelayMs: 5,
      transport: {
        async send() {
          calls++;
          if (calls === 1) throw new Error("451 try again later");
        },
      },
    });
    queue.enqueue(mail(1));
    await queue.idle();
    expect(calls).toBe(2);
  });

  it("holds at most `capacity` mails while SMTP hangs, dropping the rest", async () => {
    const { logger } = createCapturedLogger();
    const queue = createMailQueue({
      logger,
      capacity: 10,
      transport: { send: () => new Promise(() => {}) },
    });
    const accepted = Array.from({ length: 1_000 }, (_, n) => queue.enqueue(mail(n)));
    expect(accepted.filter(Boolean)).toHaveLength(10);
    expect(queue.pending()).toBe(10);
    queue.stop();
  });
});
