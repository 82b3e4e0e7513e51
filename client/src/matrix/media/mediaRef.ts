/**
 * Where a piece of Matrix media lives: an `mxc://` URI and, for attachments in encrypted rooms,
 * the key to decrypt it (the spec's EncryptedFile). Read defensively from event content: a
 * malformed reference is treated as none.
 */

/** The JSON Web Key of an encrypted attachment (AES-CTR, 256-bit). */
export type AttachmentKey = {
  kty: "oct";
  key_ops: string[];
  alg: "A256CTR";
  /** The key, unpadded base64url. */
  k: string;
  ext: true;
};

/** An encrypted attachment as events carry it in `file` / `thumbnail_file`. */
export type EncryptedFile = {
  url: string;
  key: AttachmentKey;
  /** The counter block, unpadded base64. */
  iv: string;
  /** SHA-256 of the ciphertext, unpadded base64. */
  hashes: { sha256: string };
  v: "v2";
};

export type MediaRef = {
  mxc: string;
  /** How to decrypt it; null for plain (unencrypted) media. */
  encryption: EncryptedFile | null;
};

const MXC = /^mxc:\/\/([^/?#]+)\/([A-Za-z0-9_-]+)$/;

/** The server name and media id of an `mxc://server/id` URI, or null when it is not one. */
export function parseMxc(uri: string): { serverName: string; mediaId: string } | null {
  const match = MXC.exec(uri);
  if (!match?.[1] || !match[2]) return null;
  return { serverName: match[1], mediaId: match[2] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An EncryptedFile from event content, or null when any needed part is missing. */
export function encryptedFileOf(value: unknown): EncryptedFile | null {
  if (!isRecord(value)) return null;
  const { url, key, iv, hashes, v } = value;
  if (typeof url !== "string" || !parseMxc(url)) return null;
  if (typeof iv !== "string" || !isRecord(hashes) || typeof hashes.sha256 !== "string") {
    return null;
  }
  if (!isRecord(key) || typeof key.k !== "string") return null;
  // v1 attachments (a different counter layout) predate 2019; nobody sends them any more.
  if (v !== "v2") return null;
  return {
    url,
    key: {
      kty: "oct",
      key_ops: Array.isArray(key.key_ops)
        ? key.key_ops.filter((op): op is string => typeof op === "string")
        : ["encrypt", "decrypt"],
      alg: "A256CTR",
      k: key.k,
      ext: true,
    },
    iv,
    hashes: { sha256: hashes.sha256 },
    v: "v2",
  };
}

/**
 * The media a message points at: `file` (encrypted) wins over `url`, as the spec says encrypted
 * rooms use `file`. `urlKey`/`fileKey` pick other fields, e.g. `thumbnail_url`.
 */
export function mediaRefOf(
  content: Record<string, unknown>,
  urlKey = "url",
  fileKey = "file",
): MediaRef | null {
  const file = encryptedFileOf(content[fileKey]);
  if (file) return { mxc: file.url, encryption: file };
  const url = content[urlKey];
  if (typeof url === "string" && parseMxc(url)) return { mxc: url, encryption: null };
  return null;
}

/** A plain (unencrypted) media reference, e.g. an avatar. */
export function plainMedia(mxc: string | null | undefined): MediaRef | null {
  return mxc && parseMxc(mxc) ? { mxc, encryption: null } : null;
}
