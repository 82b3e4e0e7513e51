import type { MatrixClient } from "matrix-js-sdk";
import { decryptAttachment } from "./attachmentCrypto";
import { MediaCache, type MediaLease } from "./mediaCache";
import { type MediaRef, parseMxc } from "./mediaRef";

/**
 * Media through Synapse's authenticated media API (`/_matrix/client/v1/media/…`, Matrix 1.11):
 * every request carries the access token, which `<img src>` cannot send, so media is fetched
 * here, decrypted when it is an encrypted attachment, and handed out as object URLs.
 */

export type MediaRequest =
  | {
      kind: "download";
      media: MediaRef;
      /** The type the event claims; used only when it is safe to show inline. */
      mimetype?: string | null | undefined;
    }
  | {
      kind: "thumbnail";
      media: MediaRef;
      width: number;
      height: number;
      method: "scale" | "crop";
    };

export type MediaServer = { homeserverUrl: string; accessToken: string | null };

export class MediaHttpError extends Error {
  constructor(readonly status: number) {
    super(status === 404 ? "The file is no longer available." : `The server answered ${status}.`);
    this.name = "MediaHttpError";
  }
}

/** The authenticated media URL for a request, or null for an invalid mxc URI. */
export function mediaEndpoint(homeserverUrl: string, request: MediaRequest): string | null {
  const parts = parseMxc(request.media.mxc);
  if (!parts) return null;
  const base = `${homeserverUrl.replace(/\/+$/, "")}/_matrix/client/v1/media`;
  const path = `${encodeURIComponent(parts.serverName)}/${encodeURIComponent(parts.mediaId)}`;
  if (request.kind === "download") return `${base}/download/${path}`;
  const query = new URLSearchParams({
    width: String(Math.round(request.width)),
    height: String(Math.round(request.height)),
    method: request.method,
  });
  return `${base}/thumbnail/${path}?${query}`;
}

/**
 * Types a blob URL may carry. Anything else is served as opaque bytes: an HTML or SVG file
 * opened from a blob URL would run in our origin.
 */
const INLINE_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/(ogg|webm|mpeg|mp4|aac|wav|x-wav|flac|opus)|video\/(mp4|webm|ogg|quicktime))$/;

export function safeBlobType(type: string | null | undefined): string {
  const bare = (type ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return INLINE_TYPES.test(bare) ? bare : "application/octet-stream";
}

function keyOf(request: MediaRequest): string {
  // An encrypted file has no server thumbnails: it is always downloaded whole.
  if (request.kind === "download" || request.media.encryption) {
    return `download ${request.media.mxc}`;
  }
  return `thumbnail ${request.media.mxc} ${request.width}x${request.height} ${request.method}`;
}

export class MediaLoader {
  readonly #server: () => MediaServer;
  readonly #fetch: typeof fetch;
  readonly cache: MediaCache;

  constructor(
    server: () => MediaServer,
    options: { fetch?: typeof fetch; cache?: MediaCache } = {},
  ) {
    this.#server = server;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.cache = options.cache ?? new MediaCache();
  }

  /** Holds an object URL for the media (see MediaCache); release it when no longer shown. */
  retain(request: MediaRequest): MediaLease {
    return this.cache.retain(keyOf(request), (signal) => this.load(request, signal));
  }

  /**
   * The media's bytes, decrypted. A thumbnail the server cannot make (an SVG, a file that is
   * not an image) falls back to the whole file.
   */
  async load(request: MediaRequest, signal?: AbortSignal): Promise<Blob> {
    if (request.kind === "thumbnail" && !request.media.encryption) {
      try {
        return await this.#get(request, signal);
      } catch (error) {
        if (!(error instanceof MediaHttpError) || error.status === 401) throw error;
      }
      return this.#get({ kind: "download", media: request.media }, signal);
    }
    const download: MediaRequest =
      request.kind === "download" ? request : { kind: "download", media: request.media };
    const blob = await this.#get(download, signal);
    const { encryption } = request.media;
    const mimetype = request.kind === "download" ? request.mimetype : null;
    if (!encryption) return mimetype ? new Blob([blob], { type: safeBlobType(mimetype) }) : blob;
    const plaintext = await decryptAttachment(await blob.arrayBuffer(), encryption);
    return new Blob([plaintext], { type: safeBlobType(mimetype) });
  }

  async #get(request: MediaRequest, signal?: AbortSignal): Promise<Blob> {
    const { homeserverUrl, accessToken } = this.#server();
    const url = mediaEndpoint(homeserverUrl, request);
    if (!url) throw new Error("This message points at an invalid file address.");
    const response = await this.#fetch(url, {
      headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
      signal: signal ?? null,
    });
    if (!response.ok) throw new MediaHttpError(response.status);
    const blob = await response.blob();
    return new Blob([blob], { type: safeBlobType(blob.type) });
  }
}

const loaders = new WeakMap<MatrixClient, MediaLoader>();

/** The one loader (and cache) of a signed-in client. */
export function mediaLoaderFor(client: MatrixClient): MediaLoader {
  let loader = loaders.get(client);
  if (!loader) {
    loader = new MediaLoader(() => ({
      homeserverUrl: client.getHomeserverUrl(),
      accessToken: client.getAccessToken(),
    }));
    loaders.set(client, loader);
  }
  return loader;
}
