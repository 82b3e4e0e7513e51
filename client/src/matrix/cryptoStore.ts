/*
 * Where the end-to-end encryption keys of this browser's Matrix device live, and who may use
 * them. matrix-js-sdk's Rust crypto keeps them in IndexedDB under a name prefix; we use one prefix
 * per user and device, so a device's keys are never mixed with another's, and a Web Lock per
 * prefix, so two tabs of the same session never drive the same store at once (each would upload
 * one-time keys and advance ratchets the other does not know about).
 */

/** The part of `indexedDB` used here. */
export type CryptoDatabases = Pick<IDBFactory, "deleteDatabase"> & {
  databases?: () => Promise<IDBDatabaseInfo[]>;
};

/** The part of the Web Locks API (`navigator.locks`) used here. */
export type CryptoStoreLocks = {
  request(
    name: string,
    options: { signal: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>;
};

/**
 * How long to wait for another page to let go of the store. A reload or a navigation in the same
 * tab lets go within moments; a second tab keeps it.
 */
export const CRYPTO_LOCK_WAIT_MS = 3_000;

const STORE_PREFIX = "xstream-crypto";

/** What matrix-js-sdk appends to the prefix for the Rust crypto store's databases. */
const DATABASE_SUFFIXES = ["::matrix-sdk-crypto", "::matrix-sdk-crypto-meta"] as const;

/** The store prefix (`cryptoDatabasePrefix`) of one user's device in this browser. */
export function cryptoStorePrefix(userId: string, deviceId: string): string {
  return `${STORE_PREFIX}/${userId}/${deviceId}`;
}

function deleteDatabase(databases: CryptoDatabases, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = databases.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`Couldn't delete ${name}`));
    // Another tab still has it open: the deletion goes ahead once that tab lets go, and nothing
    // here needs to wait for that.
    request.onblocked = () => resolve();
  });
}

/** Deletes a device's keys from this browser (its device is gone, or it was signed out). */
export async function deleteCryptoStore(databases: CryptoDatabases, prefix: string): Promise<void> {
  await Promise.all(DATABASE_SUFFIXES.map((suffix) => deleteDatabase(databases, prefix + suffix)));
}

/**
 * Deletes the keys of every other device this browser kept, e.g. of a session that ended while
 * no tab was open. One browser has one Xstream session at a time (the session is a cookie), so
 * any store but the current one is left over. Browsers that cannot list databases keep them.
 */
export function deleteOtherCryptoStores(
  databases: CryptoDatabases,
  keepPrefix: string,
): Promise<void> {
  return deleteCryptoStoresBut(databases, keepPrefix);
}

/** Deletes every device's keys (the session ended without a sign-out in this browser). */
export function deleteEveryCryptoStore(databases: CryptoDatabases): Promise<void> {
  return deleteCryptoStoresBut(databases, null);
}

async function deleteCryptoStoresBut(databases: CryptoDatabases, keepPrefix: string | null) {
  if (!databases.databases) return;
  const names = (await databases.databases()).flatMap(({ name }) => (name ? [name] : []));
  const stale = names.filter(
    (name) =>
      name.startsWith(`${STORE_PREFIX}/`) &&
      (keepPrefix === null || !name.startsWith(`${keepPrefix}::`)),
  );
  await Promise.all(stale.map((name) => deleteDatabase(databases, name)));
}

/**
 * Takes the lock of a crypto store, waiting a little for a page that is going away. Resolves to
 * the function that lets it go, or to null when another tab keeps it. Without the Web Locks API
 * there is nothing to coordinate with, and the store is used as if the lock were ours.
 */
export function holdCryptoStoreLock(
  locks: CryptoStoreLocks | null,
  prefix: string,
  waitMs = CRYPTO_LOCK_WAIT_MS,
): Promise<(() => void) | null> {
  if (!locks) return Promise.resolve(() => {});
  return new Promise((resolve) => {
    let release = () => {};
    const released = new Promise<void>((done) => {
      release = done;
    });
    locks
      .request(`${prefix}::lock`, { signal: AbortSignal.timeout(waitMs) }, async () => {
        resolve(release);
        // Held until released: the lock ends when this callback's promise settles.
        await released;
      })
      .catch((error: unknown) => {
        // The signal's reason, a DOMException (by name: realms may differ, as in tests).
        const name = (error as { name?: unknown } | null)?.name;
        const timedOut = name === "TimeoutError" || name === "AbortError";
        // Otherwise the Locks API refused (an opaque origin, say): nothing to coordinate with.
        resolve(timedOut ? null : () => {});
      });
  });
}
