import type { EncryptedFile } from "./mediaRef";

/**
 * Encrypted attachments as the Matrix spec defines them (client-server API, "Sending encrypted
 * attachments"): AES-256-CTR with a fresh key and counter block per file, the key as a JWK, and
 * a SHA-256 of the ciphertext the receiver checks before decrypting. WebCrypto does the work.
 */

/** The attachment was changed, cut short or is not the one the event describes. */
export class AttachmentIntegrityError extends Error {
  constructor(message = "The file does not match its checksum: it may have been tampered with.") {
    super(message);
    this.name = "AttachmentIntegrityError";
  }
}

/** The encrypted file's description, without the `url` the upload gives it. */
export type AttachmentSecrets = Omit<EncryptedFile, "url">;

/** Unpadded standard base64, as the spec writes `iv` and `hashes`. */
export function toUnpaddedBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

/** Standard or URL-safe base64, padded or not. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  // The padding is dropped with a loop: `/=+$/` is quadratic on a long run of `=` (the key and
  // hashes come from the sender's event).
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === "=") end--;
  const standard = text.slice(0, end).replace(/-/g, "+").replace(/_/g, "/");
  const padded = standard + "=".repeat((4 - (standard.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// A 64-bit counter in the low half of the block: the spec's v2 layout.
const COUNTER_BITS = 64;

/** Encrypts a file's bytes for an encrypted room; upload the ciphertext, send the secrets. */
export async function encryptAttachment(
  plaintext: ArrayBuffer,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<{ ciphertext: ArrayBuffer; secrets: AttachmentSecrets }> {
  // The high 8 bytes are random, the counter half starts at zero (so it never wraps).
  const iv = new Uint8Array(16);
  crypto.getRandomValues(iv.subarray(0, 8));
  const key = await subtle.generateKey({ name: "AES-CTR", length: 256 }, true, [
    "encrypt",
    "decrypt",
  ]);
  const ciphertext = await subtle.encrypt(
    { name: "AES-CTR", counter: iv, length: COUNTER_BITS },
    key,
    plaintext,
  );
  const jwk = await subtle.exportKey("jwk", key);
  const digest = await subtle.digest("SHA-256", ciphertext);
  if (typeof jwk.k !== "string") throw new Error("The browser did not export the file key.");
  return {
    ciphertext,
    secrets: {
      key: { kty: "oct", key_ops: ["encrypt", "decrypt"], alg: "A256CTR", k: jwk.k, ext: true },
      iv: toUnpaddedBase64(iv),
      hashes: { sha256: toUnpaddedBase64(new Uint8Array(digest)) },
      v: "v2",
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/**
 * Decrypts a downloaded attachment. Checks the ciphertext's SHA-256 first and refuses a file
 * that does not match: CTR mode has no integrity of its own.
 */
export async function decryptAttachment(
  ciphertext: ArrayBuffer,
  file: Pick<EncryptedFile, "key" | "iv" | "hashes">,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<ArrayBuffer> {
  const expected = fromBase64(file.hashes.sha256);
  const actual = new Uint8Array(await subtle.digest("SHA-256", ciphertext));
  if (!sameBytes(expected, actual)) throw new AttachmentIntegrityError();
  const iv = fromBase64(file.iv);
  if (iv.length !== 16) throw new AttachmentIntegrityError("The file's counter block is invalid.");
  const key = await subtle.importKey(
    "jwk",
    { kty: "oct", alg: "A256CTR", k: file.key.k, ext: true, key_ops: ["encrypt", "decrypt"] },
    { name: "AES-CTR", length: 256 },
    false,
    ["decrypt"],
  );
  return subtle.decrypt({ name: "AES-CTR", counter: iv, length: COUNTER_BITS }, key, ciphertext);
}
