import { render } from "@testing-library/react";
import type { MatrixClient } from "matrix-js-sdk";
import type { ReactElement } from "react";
import { vi } from "vitest";
import type { MatrixConnection, MatrixSnapshot } from "../matrix/MatrixConnection";
import { MatrixConnectionProvider } from "../matrix/useMatrixClient";

// jsdom's Blob cannot be read with arrayBuffer() or text() as browsers' can; FileReader can.
function readWith<T>(read: (reader: FileReader) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as T);
    reader.onerror = () => reject(reader.error);
    read(reader);
  });
}
// jsdom's typed arrays come from another realm than the ones Node's WebCrypto accepts;
// TextEncoder's are Node's own.
const HostUint8Array = new TextEncoder().encode("").constructor as Uint8ArrayConstructor;
if (typeof Blob.prototype.arrayBuffer !== "function") {
  Blob.prototype.arrayBuffer = function arrayBuffer(this: Blob) {
    return readWith<ArrayBuffer>((reader) => reader.readAsArrayBuffer(this)).then(
      (buffer) => HostUint8Array.from(new Uint8Array(buffer)).buffer,
    );
  };
}
if (typeof Blob.prototype.text !== "function") {
  Blob.prototype.text = function text(this: Blob) {
    return readWith<string>((reader) => reader.readAsText(this));
  };
}

export const HOMESERVER = "https://hs.example.org";
export const ACCESS_TOKEN = "syt_secret_token";

/** A request the fake server received. */
export type MediaCall = { url: string; authorization: string | null };

/**
 * A homeserver's authenticated media API for component tests: files by mxc URI, served at
 * `/_matrix/client/v1/media/download|thumbnail/…` only with the access token. Also stands in
 * for the browser's object URLs, remembering which are alive and the blob behind each.
 */
export class FakeMediaServer {
  readonly files = new Map<string, Blob>();
  readonly calls: MediaCall[] = [];
  /** Object URLs made and not revoked yet, with their blobs. */
  readonly objectUrls = new Map<string, Blob>();
  readonly revoked: string[] = [];
  /** When set, every request fails with this status. */
  failWith: number | null = null;
  /** Like a server that cannot thumbnail these files (an SVG, a PDF): thumbnails answer 400. */
  noThumbnails = false;
  #nextUrl = 0;

  /** Serves `blob` as `mxc://<server>/<id>`. */
  put(mxc: string, blob: Blob): this {
    this.files.set(mxc, blob);
    return this;
  }

  readonly fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const authorization = new Headers(init?.headers).get("Authorization");
    this.calls.push({ url, authorization });
    const match = /\/_matrix\/client\/v1\/media\/(download|thumbnail)\/([^/]+)\/([^/?]+)/.exec(url);
    const file = match ? this.files.get(`mxc://${match[2]}/${match[3]}`) : undefined;
    let status = 200;
    if (authorization !== `Bearer ${ACCESS_TOKEN}`) status = 401;
    else if (this.failWith !== null) status = this.failWith;
    else if (!file) status = 404;
    else if (this.noThumbnails && match?.[1] === "thumbnail") status = 400;
    // Only what the loader reads of a Response; jsdom's Blob, not Node's, so it can be re-wrapped.
    return {
      ok: status === 200,
      status,
      blob: async () => file ?? new Blob([]),
    } as unknown as Response;
  });

  /** Installs the fake fetch and object URLs; undo with `vi.unstubAllGlobals()` and `uninstall`. */
  install(): this {
    vi.stubGlobal("fetch", this.fetch);
    Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        this.#nextUrl += 1;
        const url = `blob:${HOMESERVER}/${this.#nextUrl}`;
        this.objectUrls.set(url, blob);
        return url;
      },
      revokeObjectURL: (url: string) => {
        this.objectUrls.delete(url);
        this.revoked.push(url);
      },
    });
    return this;
  }

  /** The blob behind an object URL still alive. */
  blobAt(url: string | null): Blob | undefined {
    return url ? this.objectUrls.get(url) : undefined;
  }
}

/** A signed-in client as far as media goes: where the homeserver is, and the token. */
export function mediaClient<T extends object>(extra: T = {} as T): MatrixClient & T {
  return {
    getHomeserverUrl: () => HOMESERVER,
    getAccessToken: () => ACCESS_TOKEN,
    getUserId: () => "@ana:example.org",
    ...extra,
  } as unknown as MatrixClient & T;
}

/** A Matrix connection that is simply connected with `client`. */
export function connectedWith(client: MatrixClient): MatrixConnection {
  // Only the client matters to media; the rest of the connection's state is not read.
  const snapshot = {
    status: "connected",
    client,
    userId: client.getUserId(),
    error: null,
  } as MatrixSnapshot;
  return {
    subscribe: () => () => {},
    getSnapshot: () => snapshot,
    retry: async () => {},
  } as unknown as MatrixConnection;
}

/** Renders `ui` signed in to Matrix as `client` (the app's MatrixConnectionProvider). */
export function renderSignedIn(ui: ReactElement, client: MatrixClient = mediaClient()) {
  return render(
    <MatrixConnectionProvider connection={connectedWith(client)}>{ui}</MatrixConnectionProvider>,
  );
}
