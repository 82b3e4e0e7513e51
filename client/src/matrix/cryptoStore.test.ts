import { describe, expect, it } from "vitest";
import { type CryptoStoreLocks, holdCryptoStoreLock } from "./cryptoStore";

/**
 * The Web Locks API as browsers implement it for exclusive locks: requests for a held lock queue
 * until it is let go, or until their signal aborts them.
 */
class QueueingLocks implements CryptoStoreLocks {
  readonly #held = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  async request(
    name: string,
    options: { signal: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ) {
    while (this.#held.has(name)) {
      await new Promise<void>((granted, aborted) => {
        const queue = this.#waiting.get(name) ?? [];
        queue.push(granted);
        this.#waiting.set(name, queue);
        options.signal.addEventListener("abort", () => aborted(options.signal.reason));
      });
    }
    this.#held.add(name);
    try {
      await callback({ name });
    } finally {
      this.#held.delete(name);
      this.#waiting.get(name)?.shift()?.();
    }
  }
}

describe("holdCryptoStoreLock", () => {
  it("takes a free lock, and another page can take it once it is let go", async () => {
    const locks = new QueueingLocks();
    const release = await holdCryptoStoreLock(locks, "store", 50);
    expect(release).toBeInstanceOf(Function);

    release?.();

    await expect(holdCryptoStoreLock(locks, "store", 50)).resolves.toBeInstanceOf(Function);
  });

  it("waits for a page that is going away (a reload)", async () => {
    const locks = new QueueingLocks();
    const leaving = await holdCryptoStoreLock(locks, "store", 50);

    const arriving = holdCryptoStoreLock(locks, "store", 2_000);
    setTimeout(() => leaving?.(), 20);

    await expect(arriving).resolves.toBeInstanceOf(Function);
  });

  it("gives up, with null, when another tab keeps the store", async () => {
    const locks = new QueueingLocks();
    await holdCryptoStoreLock(locks, "store", 50);

    await expect(holdCryptoStoreLock(locks, "store", 30)).resolves.toBeNull();
    // Other stores are not affected.
    await expect(holdCryptoStoreLock(locks, "other", 30)).resolves.toBeInstanceOf(Function);
  });

  it("uses the store without coordinating where there is no Web Locks API", async () => {
    await expect(holdCryptoStoreLock(null, "store")).resolves.toBeInstanceOf(Function);
  });
});
