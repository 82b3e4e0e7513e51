// Requests to servers other people run (other homeservers' .well-known and OpenID userinfo, push
// services): a hostile or broken one must not make the bridge wait, fill its memory, or reach into
// the network it runs in. So: no redirects followed, a capped body, one deadline for the whole
// exchange, and only public addresses unless the operator says otherwise. The address check
// happens in the socket's own DNS lookup, so the address checked is the address connected to (a
// name that resolves differently a second later gains nothing).
import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** What other homeservers get to answer in: the whole exchange, connect to last byte. */
export const OUTBOUND_TIMEOUT_MS = 5_000;
/** Larger answers are cut off: a .well-known or userinfo answer is a few hundred bytes. */
export const OUTBOUND_MAX_BODY_BYTES = 64 * 1024;

/** The subset of `fetch` the bridge's outbound callers use (GET unless a method is given). */
export type FetchLike = (
  url: string,
  init?: {
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: Buffer;
    signal?: AbortSignal;
  },
) => Promise<Response>;

export interface OutboundOptions {
  /** Let requests reach private, loopback, link-local… addresses (tests, private federations). */
  allowPrivateAddresses: boolean;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Resolves a host name to every address; DNS by default, a fixed table in tests. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** A request the policy stopped: a non-public address or an oversized answer. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefused";
  }
}

/**
 * True for an address on the public internet: ipaddr.js's "unicast", i.e. none of private,
 * loopback, link-local, unique-local, carrier-grade NAT, multicast, unspecified, documentation
 * and other reserved ranges. IPv4-mapped IPv6 addresses are judged by their IPv4 address.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

const defaultResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

function timeoutError(ms: number): Error {
  const error = new Error(`no complete answer within ${ms} ms`);
  // The name fetch uses, so callers tell a timeout from other failures the same way.
  error.name = "TimeoutError";
  return error;
}

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A fetch-like GET (or POST, for Web Push) that enforces the outbound policy above. */
export function createOutboundFetch(options: OutboundOptions): FetchLike {
  const {
    allowPrivateAddresses,
    timeoutMs = OUTBOUND_TIMEOUT_MS,
    maxBodyBytes = OUTBOUND_MAX_BODY_BYTES,
    resolve = defaultResolve,
  } = options;

  const refusal = (host: string, address: string) =>
    new OutboundRefused(`${host} is at ${address}, which is not a public address`);

  // Node calls this for every connection to a host name (not for IP literals, checked below).
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family = lookupOptions.family === 4 || lookupOptions.family === 6;
        const addresses = family
          ? resolved.filter((a) => a.family === lookupOptions.family)
          : resolved;
        const first = addresses[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = "ENOTFOUND";
          callback(error, "", 0);
          return;
        }
        // Every address, not only the first: the socket may try any of them.
        const hidden = allowPrivateAddresses
          ? undefined
          : addresses.find((a) => !isPublicAddress(a.address));
        if (hidden) callback(refusal(hostname, hidden.address), "", 0);
        else if (lookupOptions.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };

  return (input, init = {}) =>
    new Promise<Response>((resolvePromise, reject) => {
      const url = new URL(input);
      const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
      if (!client) {
        reject(new OutboundRefused(`unsupported protocol ${url.protocol}`));
        return;
      }
      const literal = url.hostname.replace(/^\[|\]$/g, "");
      if (isIP(literal) && !allowPrivateAddresses && !isPublicAddress(literal)) {
        reject(refusal(literal, literal));
        return;
      }

      let settled = false;
      const finish = (error: Error | undefined, response?: Response) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) {
          request.destroy();
          reject(error);
        } else if (response) {
          resolvePromise(response);
        }
      };
      const deadline = setTimeout(() => finish(timeoutError(timeoutMs)), timeoutMs);

      const request = client.request(
        url,
        {
          method: init.method ?? "GET",
          headers: init.headers,
          lookup,
          // A fresh connection per request: nothing pooled that was checked for another host.
          agent: false,
          signal: init.signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const declared = Number(response.headers["content-length"]);
          if (declared > maxBodyBytes) {
            finish(new OutboundRefused(`answer of ${declared} bytes exceeds ${maxBodyBytes}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            // Stop reading at once: the rest is never buffered.
            if (size > maxBodyBytes) {
              finish(new OutboundRefused(`answer exceeds ${maxBodyBytes} bytes`));
            } else {
              chunks.push(chunk);
            }
          });
          response.on("error", (error) => finish(error));
          response.on("end", () => {
            if (status < 200 || status > 599) {
              finish(new OutboundRefused(`unexpected status ${status}`));
              return;
            }
            const headers = new Headers();
            const type = response.headers["content-type"];
            if (type) headers.set("content-type", type);
            const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
            // Redirects come back as they are: a 3xx is an answer, never followed.
            finish(undefined, new Response(body, { status, headers }));
          });
        },
      );
      request.on("error", (error) => finish(error));
      request.end(init.body);
    });
}
