// Checks a Matrix OpenID token the way every OpenID relying party does: it asks the homeserver
// that issued it, over the federation API's /openid/userinfo, which user it belongs to. Our own
// homeserver is asked at its internal URL (no TLS, no discovery); another is found through its
// /.well-known/matrix/server delegation, as federation finds it (without SRV records). Requests
// to other homeservers go through the outbound policy (outboundHttp.ts); ours is configured by the
// operator, not discovered, so it is trusted at whatever address it has.
import { isIP } from "node:net";
import type { FetchLike } from "./outboundHttp.js";

/** What the issuing homeserver said about an OpenID token. Failures are values, never thrown. */
export type OpenIdUserInfo =
  /** The token is valid and belongs to `sub` (not yet checked to be a user of that server). */
  | { kind: "user"; sub: string }
  /** The homeserver does not know the token: forged, expired, or for another server. */
  | { kind: "rejected"; status: number; errcode: string | undefined }
  /** The homeserver could not be reached, or answered something other than a verdict. */
  | { kind: "unavailable"; reason: string }
  /** The homeserver did not answer in time. */
  | { kind: "timeout" };

export interface OpenIdVerifier {
  /** Asks `serverName`'s homeserver whose token `accessToken` is. */
  userInfo(serverName: string, accessToken: string): Promise<OpenIdUserInfo>;
}

export interface OpenIdVerifierOptions {
  /** Our homeserver's server_name: its tokens are checked at `ownHomeserverUrl`. */
  ownServerName: string;
  /** Our homeserver's internal base URL (HOMESERVER_URL), which serves the `openid` resource. */
  ownHomeserverUrl: string;
  /** Per outbound request (well-known look-up, userinfo). */
  timeoutMs?: number;
  /** For our own homeserver. */
  fetch?: FetchLike;
  /** For every other homeserver: createOutboundFetch's checked requests in production. */
  remoteFetch: FetchLike;
  now?: () => number;
}

/** Federation's default port when neither the server name nor its delegation names one. */
const DEFAULT_FEDERATION_PORT = 8448;
/** How long a discovered federation URL is reused before asking .well-known again. */
const DISCOVERY_CACHE_MS = 60 * 60_000;
const USERINFO_PATH = "/_matrix/federation/v1/openid/userinfo";

/** Splits `host[:port]` (IPv6 literals in brackets) into host and port. */
function splitServerName(serverName: string): { host: string; port: number | undefined } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(serverName);
  if (!match?.[1]) return { host: serverName, port: undefined };
  return { host: match[1], port: match[2] === undefined ? undefined : Number(match[2]) };
}

const isIpLiteral = (host: string) => isIP(host.replace(/^\[|\]$/g, "")) !== 0;

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Undici's "fetch failed" says nothing; its cause (ECONNREFUSED, a TLS error…) does.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

export function createOpenIdVerifier({
  ownServerName,
  ownHomeserverUrl,
  timeoutMs = 5_000,
  fetch = globalThis.fetch,
  remoteFetch,
  now = Date.now,
}: OpenIdVerifierOptions): OpenIdVerifier {
  const ownBase = ownHomeserverUrl.replace(/\/+$/, "");
  const discovered = new Map<string, { baseUrl: string; expiresAt: number }>();

  /**
   * The delegated `host[:port]` from `https://<serverName>/.well-known/matrix/server`, or
   * undefined when there is none (any failure counts as none, as the spec says).
   */
  async function wellKnownDelegation(serverName: string): Promise<string | undefined> {
    try {
      const response = await remoteFetch(`https://${serverName}/.well-known/matrix/server`, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return undefined;
      const body: unknown = await response.json();
      const delegated =
        typeof body === "object" && body !== null
          ? (body as Record<string, unknown>)["m.server"]
          : undefined;
      return typeof delegated === "string" && /^[A-Za-z0-9.\-[\]:]+$/.test(delegated)
        ? delegated
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Server discovery without SRV: literal address or port as given, else .well-known, else 8448. */
  async function federationBaseUrl(serverName: string): Promise<string> {
    const cached = discovered.get(serverName);
    if (cached && cached.expiresAt > now()) return cached.baseUrl;
    const { host, port } = splitServerName(serverName);
    let target = serverName;
    if (port === undefined && !isIpLiteral(host)) {
      target = (await wellKnownDelegation(serverName)) ?? serverName;
    }
    const delegated = splitServerName(target);
    const baseUrl = `https://${delegated.host}:${delegated.port ?? DEFAULT_FEDERATION_PORT}`;
    discovered.set(serverName, { baseUrl, expiresAt: now() + DISCOVERY_CACHE_MS });
    return baseUrl;
  }

  return {
    async userInfo(serverName, accessToken) {
      const own = serverName === ownServerName;
      const base = own ? ownBase : await federationBaseUrl(serverName);
      const get = own ? fetch : remoteFetch;
      let response: Response;
      let body: unknown;
      try {
        response = await get(
          `${base}${USERINFO_PATH}?access_token=${encodeURIComponent(accessToken)}`,
          { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) },
        );
        body = await response.json().catch(() => undefined);
      } catch (error) {
        // The URL carries the token: it never goes into the reason.
        if (isTimeout(error)) return { kind: "timeout" };
        return { kind: "unavailable", reason: describeFailure(error) };
      }
      const json =
        typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
      if (response.ok) {
        return typeof json.sub === "string"
          ? { kind: "user", sub: json.sub }
          : { kind: "unavailable", reason: "userinfo answer without a sub" };
      }
      if (response.status === 401 || response.status === 403) {
        const errcode = typeof json.errcode === "string" ? json.errcode : undefined;
        return { kind: "rejected", status: response.status, errcode };
      }
      return { kind: "unavailable", reason: `userinfo answered ${response.status}` };
    },
  };
}
