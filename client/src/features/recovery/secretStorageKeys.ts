import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api";

/**
 * The secret storage key ("recovery key") of this page while recovery is being set up or used.
 * matrix-js-sdk asks for it through its crypto callbacks, several times in a row during one
 * set-up; we answer from here and never keep it longer than the page (nothing is written to
 * storage), and `forget()` drops it as soon as the work that needed it is done.
 */
export class SecretStorageKeys {
  #known: { keyId: string; key: Uint8Array<ArrayBuffer> } | null = null;

  /** Keeps `key` as the key `keyId` until forgotten. */
  remember(keyId: string, key: Uint8Array<ArrayBuffer>): void {
    this.#known = { keyId, key };
  }

  forget(): void {
    this.#known?.key.fill(0);
    this.#known = null;
  }

  /** What `createClient({ cryptoCallbacks })` takes. */
  readonly callbacks: CryptoCallbacks = {
    getSecretStorageKey: async ({ keys }) => {
      const known = this.#known;
      if (!known || !(known.keyId in keys)) return null;
      return [known.keyId, known.key];
    },
    cacheSecretStorageKey: (keyId, _keyInfo, key) => this.remember(keyId, key),
  };
}

/** This page's one cache: the Matrix connection's crypto callbacks and recovery share it. */
export const pageSecretStorageKeys = new SecretStorageKeys();
