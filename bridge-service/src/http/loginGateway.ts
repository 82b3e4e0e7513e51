import express, { type Request, Router } from "express";
import type { SynapseLoginTokenSettings } from "../domain/authContext.js";
import { redeemSynapseLoginToken } from "../domain/synapseLoginTokens.js";
import type { LoginRelay } from "../matrix/loginRelay.js";
import type { LoginTokenStore } from "../store/loginTokenStore.js";
import { MatrixError } from "./errors.js";

/** The paths the edge routes to us instead of Synapse. */
export const LOGIN_PATHS = ["/_matrix/client/v3/login", "/_matrix/client/r0/login"];
/** A login body is a few hundred bytes; Synapse itself allows more, we need not. */
export const LOGIN_BODY_LIMIT = "64kb";
export const JWT_LOGIN_TYPE = "org.matrix.login.jwt";

// Request headers Synapse uses for a login; cookies and anything else stay here.
const FORWARDED_HEADERS = [
  "content-type",
  "accept",
  "accept-language",
  "user-agent",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-request-id",
];

export interface LoginGatewayDeps {
  loginTokens: LoginTokenStore;
  synapseLoginToken: SynapseLoginTokenSettings;
  relay: LoginRelay;
  now: () => Date;
}

function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  // Synapse (x_forwarded: true) rate-limits and records devices by this address. req.ip is the
  // client as the trust-proxy setting sees it, so a client cannot spoof it past the edge.
  const ip = req.ip ?? req.socket.remoteAddress;
  if (ip) headers["x-forwarded-for"] = ip;
  return headers;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Matrix `/login` in front of Synapse. JWT logins are checked here first and their `jti`
 * recorded, so each token minted by /api/auth/matrix-token works exactly once (Synapse itself
 * would accept a token again until it expires). Everything else is forwarded unchanged.
 */
export function loginGatewayRouter({
  loginTokens,
  synapseLoginToken,
  relay,
  now,
}: LoginGatewayDeps): Router {
  const router = Router();
  router.all(
    LOGIN_PATHS,
    // The raw bytes, so what Synapse receives is exactly what the client sent.
    express.raw({ type: () => true, limit: LOGIN_BODY_LIMIT }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
      if (req.method === "POST") {
        // Fail closed: a body we cannot read might be one Synapse reads as a JWT login.
        const submission = body && parseJson(body);
        if (typeof submission !== "object" || submission === null) {
          throw new MatrixError(400, "M_NOT_JSON", "Content not JSON.");
        }
        const { type, token } = submission as { type?: unknown; token?: unknown };
        if (type === JWT_LOGIN_TYPE) {
          await redeemSynapseLoginToken(loginTokens, synapseLoginToken, token, now());
        }
      }
      const upstream = await relay({
        method: req.method,
        path: req.originalUrl,
        headers: forwardedHeaders(req),
        body,
      }).catch((error: unknown) => {
        req.log.warn({ err: error }, "login relay to the homeserver failed");
        throw new MatrixError(502, "M_UNKNOWN", "The homeserver is not reachable.");
      });
      for (const [name, value] of upstream.headers) res.append(name, value);
      res.status(upstream.status).end(upstream.body);
    },
  );
  return router;
}
