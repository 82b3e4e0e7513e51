// A stand-in for a browser's push service and the browser behind it: the test's own Web Push
// subscription (a P-256 key pair and an auth secret, as a browser makes them), an HTTP endpoint
// that takes what a push service would, and decryption of each message (RFC 8291, aes128gcm)
// with the subscription's private key through http_ece, as the browser would before waking its
// service worker.
import { createECDH, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { decrypt } from "http_ece";

export interface ReceivedPush {
  receivedAt: number;
  headers: Record<string, string | string[] | undefined>;
  /** The decrypted message, parsed as JSON. */
  message: unknown;
}

export interface PushReceiver {
  /** `PushSubscription.toJSON()` of the stand-in browser. */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  received: ReceivedPush[];
  /** What the push service answers from now on: 201 accepted, 410 the subscription is gone. */
  answerWith(status: number): void;
  /** Resolves with the next push (or one already received after `index`). */
  nextPush(index: number, timeoutMs: number): Promise<ReceivedPush>;
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  const received: ReceivedPush[] = [];
  const waiters = new Set<() => void>();
  let status = 201;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const receivedAt = performance.now();
      try {
        const plain = decrypt(Buffer.concat(chunks), {
          version: "aes128gcm",
          privateKey: ecdh,
          authSecret,
        });
        received.push({ receivedAt, headers: req.headers, message: JSON.parse(plain.toString()) });
      } catch (error) {
        received.push({
          receivedAt,
          headers: req.headers,
          message: { undecryptable: String(error) },
        });
      }
      for (const wake of waiters) wake();
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };

  return {
    subscription: {
      endpoint: `http://127.0.0.1:${port}/push/${randomBytes(8).toString("hex")}`,
      keys: {
        p256dh: ecdh.getPublicKey().toString("base64url"),
        auth: authSecret.toString("base64url"),
      },
    },
    received,
    answerWith(next) {
      status = next;
    },
    nextPush(index, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const push = received[index];
          if (!push) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(push);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no push #${index + 1} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
