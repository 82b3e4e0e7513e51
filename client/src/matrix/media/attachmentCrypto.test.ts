import { describe, expect, it } from "vitest";
import {
  AttachmentIntegrityError,
  decryptAttachment,
  encryptAttachment,
  fromBase64,
  toUnpaddedBase64,
} from "./attachmentCrypto";

const text = (buffer: ArrayBuffer) => new TextDecoder().decode(buffer);
const bytes = (value: string) => new TextEncoder().encode(value).buffer as ArrayBuffer;

describe("encrypted attachments", () => {
  it("encrypts to something else and decrypts back to the same bytes", async () => {
    const plaintext = bytes("Olá! A photo of the beach, honestly.");

    const { ciphertext, secrets } = await encryptAttachment(plaintext);

    expect(ciphertext.byteLength).toBe(plaintext.byteLength);
    expect(text(ciphertext)).not.toBe(text(plaintext));
    expect(text(await decryptAttachment(ciphertext, secrets))).toBe(
      "Olá! A photo of the beach, honestly.",
    );
  });

  it("describes the file as the spec says: a JWK, a 16-byte counter block, a hash, v2", async () => {
    const { ciphertext, secrets } = await encryptAttachment(bytes("x"));

    expect(secrets.v).toBe("v2");
    expect(secrets.key).toMatchObject({
      kty: "oct",
      alg: "A256CTR",
      ext: true,
      key_ops: ["encrypt", "decrypt"],
    });
    expect(fromBase64(secrets.key.k)).toHaveLength(32);
    const iv = fromBase64(secrets.iv);
    expect(iv).toHaveLength(16);
    // The counter half starts at zero so it can never wrap.
    expect([...iv.subarray(8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // Unpadded base64 everywhere.
    expect(secrets.iv).not.toMatch(/=/);
    expect(secrets.hashes.sha256).not.toMatch(/=/);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ciphertext));
    expect(secrets.hashes.sha256).toBe(toUnpaddedBase64(digest));
  });

  it("refuses a file whose bytes do not match the hash", async () => {
    const { ciphertext, secrets } = await encryptAttachment(bytes("the real file"));
    const tampered = new Uint8Array(ciphertext.slice(0));
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;

    await expect(decryptAttachment(tampered.buffer, secrets)).rejects.toBeInstanceOf(
      AttachmentIntegrityError,
    );
  });

  it("refuses a file described by someone else's hash", async () => {
    const first = await encryptAttachment(bytes("one"));
    const second = await encryptAttachment(bytes("two"));

    await expect(
      decryptAttachment(first.ciphertext, { ...first.secrets, hashes: second.secrets.hashes }),
    ).rejects.toThrow(/checksum/);
  });

  it("reads padded and URL-safe base64 alike", () => {
    const data = new Uint8Array([251, 255, 190, 0, 1]);
    const standard = toUnpaddedBase64(data);
    expect(standard).toBe("+/++AAE");
    expect([...fromBase64("-_--AAE=")]).toEqual([...data]);
    expect([...fromBase64(standard)]).toEqual([...data]);
  });
});
