/** A request passed on to the homeserver as it came, apart from hop-by-hop details. */
export interface RelayedRequest {
  method: string;
  /** Path and query, e.g. `/_matrix/client/v3/login`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export interface RelayedResponse {
  status: number;
  headers: [name: string, value: string][];
  body: Buffer;
}

export type LoginRelay = (request: RelayedRequest) => Promise<RelayedResponse>;

// Connection-level headers, and those fetch has already acted on (it decompresses and
// de-chunks), which must not be copied onto our own response.
const NOT_RELAYED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-encoding",
]);

export interface LoginRelayOptions {
  homeserverUrl: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** Forwards login requests to Synapse's client-server API and hands back its answer. */
export function createLoginRelay({
  homeserverUrl,
  timeoutMs = 30_000,
  fetch = globalThis.fetch,
}: LoginRelayOptions): LoginRelay {
  const base = homeserverUrl.replace(/\/+$/, "");
  return async ({ method, path, headers, body }) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body && method !== "GET" && method !== "HEAD" ? new Uint8Array(body) : undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const relayed: [string, string][] = [];
    response.headers.forEach((value, name) => {
      if (!NOT_RELAYED.has(name)) relayed.push([name, value]);
    });
    return {
      status: response.status,
      headers: relayed,
      body: Buffer.from(await response.arrayBuffer()),
    };
  };
}
