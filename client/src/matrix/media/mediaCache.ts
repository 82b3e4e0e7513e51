/**
 * Object URLs for media blobs, shared between everything that shows the same picture (an
 * avatar appears on many rows) and revoked when nothing shows it any more. Entries nobody holds
 * stay a little while, up to `idleLimit` of them, so scrolling a picture out of the virtualised
 * timeline and back does not download it again; the oldest idle entry goes first, and idle
 * entries together stay under `idleBytes` (full-size pictures are large).
 */

export type ObjectUrls = {
  create(blob: Blob): string;
  revoke(url: string): void;
};

/** A hold on one cached URL: `url` settles once loaded; call `release` when done with it. */
export type MediaLease = {
  url: Promise<string>;
  release(): void;
};

type Entry = {
  holders: number;
  url: string | null;
  /** The blob's size once loaded. */
  bytes: number;
  promise: Promise<string>;
  abort: AbortController;
};

const browserObjectUrls: ObjectUrls = {
  create: (blob) => URL.createObjectURL(blob),
  revoke: (url) => URL.revokeObjectURL(url),
};

export class MediaCache {
  readonly #objectUrls: ObjectUrls;
  readonly #idleLimit: number;
  readonly #idleBytes: number;
  readonly #entries = new Map<string, Entry>();
  /** Keys of entries nobody holds, least recently released first. */
  readonly #idle = new Set<string>();

  constructor(options: { objectUrls?: ObjectUrls; idleLimit?: number; idleBytes?: number } = {}) {
    this.#objectUrls = options.objectUrls ?? browserObjectUrls;
    this.#idleLimit = options.idleLimit ?? 48;
    this.#idleBytes = options.idleBytes ?? 64_000_000;
  }

  /**
   * Holds the URL for `key`, loading it with `load` the first time. A failed load is forgotten,
   * so the next holder tries again.
   */
  retain(key: string, load: (signal: AbortSignal) => Promise<Blob>): MediaLease {
    let entry = this.#entries.get(key);
    if (!entry) {
      const abort = new AbortController();
      const created: Entry = {
        holders: 0,
        url: null,
        bytes: 0,
        abort,
        promise: Promise.resolve(""),
      };
      created.promise = load(abort.signal).then(
        (blob) => {
          // Dropped while loading: nobody will revoke a URL made now.
          if (this.#entries.get(key) !== created) throw new DOMException("Dropped", "AbortError");
          created.url = this.#objectUrls.create(blob);
          created.bytes = blob.size;
          // Released before it arrived: it may already be over the budget.
          if (created.holders === 0) this.#park(key);
          return created.url;
        },
        (error: unknown) => {
          if (this.#entries.get(key) === created) this.#forget(key, created);
          throw error;
        },
      );
      // Holders see the rejection; this keeps an unheld failure from being "unhandled".
      created.promise.catch(() => undefined);
      this.#entries.set(key, created);
      entry = created;
    }
    entry.holders += 1;
    this.#idle.delete(key);
    const held = entry;
    let released = false;
    return {
      url: held.promise,
      release: () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        if (held.holders === 0 && this.#entries.get(key) === held) this.#park(key);
      },
    };
  }

  /** How many URLs are alive (held or idle). */
  get size(): number {
    return this.#entries.size;
  }

  /** Revokes everything, e.g. when the person signs out. */
  clear(): void {
    for (const [key, entry] of [...this.#entries]) this.#forget(key, entry);
  }

  #park(key: string) {
    this.#idle.add(key);
    while (this.#idle.size > this.#idleLimit || this.#idleSize() > this.#idleBytes) {
      const oldest = this.#idle.values().next().value;
      if (oldest === undefined) break;
      const entry = this.#entries.get(oldest);
      if (entry) this.#forget(oldest, entry);
      else this.#idle.delete(oldest);
    }
  }

  #idleSize(): number {
    let bytes = 0;
    for (const key of this.#idle) bytes += this.#entries.get(key)?.bytes ?? 0;
    return bytes;
  }

  #forget(key: string, entry: Entry) {
    this.#entries.delete(key);
    this.#idle.delete(key);
    if (entry.url !== null) this.#objectUrls.revoke(entry.url);
    else entry.abort.abort();
  }
}
