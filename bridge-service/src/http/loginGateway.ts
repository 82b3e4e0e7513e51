import express, { type Request, Router } from "express";
import type { SynapseLoginTokenSettings } from "../domain/authContext.js";
import {
  type AttemptOutcome,
  beginPasswordAttempt,
  type PasswordAttempt,
  type PasswordAttempts,
} from "../domain/passwordFailures.js";
import { redeemSynapseLoginToken } from "../domain/synapseLoginTokens.js";
import type { LoginRelay } from "../matrix/loginRelay.js";
import type { LoginTokenStore } from "../store/loginTokenStore.js";
import { MatrixError } from "./errors.js";

/**
 * Synapse 1.163's `/login` servlet, under every version prefix it serves it at. Synapse matches
 * the raw path, as here, so nothing it would read as a login escapes this pattern.
 */
export const LOGIN_PATH = /^\/_matrix\/client\/(?:api\/v1|r0|v3|unstable)\/login$/;
/**
 * Synapse's other servlets under a `login` segment (SSO and CAS redirects, login tokens for an
 * existing session). None takes a JWT or a password, so they are passed on unchanged.
 */
const OTHER_LOGIN_SERVLETS = [
  /^\/_matrix\/client\/(?:api\/v1|r0|v3|unstable)\/login\/(?:cas|sso)\/redirect$/,
  /^\/_matrix\/client\/(?:r0|v3)\/login\/sso\/redirect\/[A-Za-z0-9_.~-]+$/,
  /^\/_matrix\/client\/(?:api\/v1|r0|v3|unstable)\/login\/cas\/ticket$/,
  /^\/_matrix\/client\/v1\/login\/get_token$/,
  /^\/_matrix\/client\/unstable\/org\.matrix\.msc3882\/login\/token$/,
];

/**
 * What the gateway does with a path the edge sent it (every path under `/_matrix/client/` with a
 * `login` segment): `login` is checked here, `relay` passed on, anything else refused, so an
 * unforeseen spelling never reaches Synapse unchecked.
 */
export function loginPathKind(path: string): "login" | "relay" | "unknown" {
  if (LOGIN_PATH.test(path)) return "login";
  if (OTHER_LOGIN_SERVLETS.some((pattern) => pattern.test(path))) return "relay";
  return "unknown";
}
/** A login body is a few hundred bytes; Synapse itself allows more, we need not. */
export const LOGIN_BODY_LIMIT = "64kb";
export const JWT_LOGIN_TYPE = "org.matrix.login.jwt";
/** What Synapse serves under these paths: GET and POST servlets, and CORS preflights. */
const RELAYED_METHODS = ["GET", "HEAD", "OPTIONS", "POST"];
export const PASSWORD_LOGIN_TYPE = "m.login.password";

// Request headers Synapse uses for a login; cookies and anything else stay here.
const FORWARDED_HEADERS = [
  // An appservice's m.login.application_service and /login/get_token authenticate with it.
  "authorization",
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
  /** Synapse checks the password; the policy slows down whoever keeps getting it wrong. */
  passwordAttempts: PasswordAttempts;
  /** This homeserver's server_name: `@ana:<serverName>` is the account `ana`. */
  serverName: string;
  now: () => Date;
}

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

/** Python's truthiness, which Synapse applies to the legacy login fields. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object" && value !== null) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== "";
}

/**
 * The account a Matrix password login is for, picked the way Synapse 1.163 picks it
 * (`convert_client_dict_legacy_fields_to_identifier`): legacy `user`, overridden by legacy
 * `medium` + `address`, else `identifier`. A user ID on this server (in any case) is its
 * localpart, as Synapse matches user IDs case-insensitively; third-party ids and other servers'
 * users have buckets of their own, as no password of an account here is tried for them.
 */
export function passwordLoginAccount(submission: Record<string, unknown>, serverName: string) {
  let identifier = submission.identifier;
  if (truthy(submission.user)) identifier = { type: "m.id.user", user: submission.user };
  if (truthy(submission.medium) && truthy(submission.address)) {
    identifier = {
      type: "m.id.thirdparty",
      medium: submission.medium,
      address: submission.address,
    };
  }
  if (typeof identifier !== "object" || identifier === null) return "";
  const { type, user, medium, address, country, phone, number } = identifier as Record<
    string,
    unknown
  >;
  if (type === "m.id.user" && typeof user === "string") {
    const userId = (user.startsWith("@") ? user : `@${user}:${serverName}`).toLowerCase();
    const ours = `:${serverName.toLowerCase()}`;
    return userId.endsWith(ours) ? userId.slice(1, -ours.length) : userId;
  }
  if (type === "m.id.thirdparty") return `3pid:${String(medium)}:${String(address)}`;
  if (type === "m.id.phone") return `3pid:msisdn:${String(country)}:${String(phone ?? number)}`;
  return "";
}

/** Synapse's answer to a password login, for the failure policy: 403 is a wrong password. */
function outcomeOf(status: number): AttemptOutcome {
  if (status === 200) return "success";
  return status === 403 ? "failure" : "void";
}

function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  // Synapse (x_forwarded: true) rate-limits and records devices by this address. req.ip is the
  // client as the trust-proxy setting sees it, so a client cannot spoof it past the edge.
  headers["x-forwarded-for"] = clientIp(req);
  return headers;
}

/** The raw path as it arrived (no query), which is what Synapse matches its servlets against. */
const pathOf = (req: Request) => req.originalUrl.split("?", 1)[0] ?? "";

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
  passwordAttempts,
  serverName,
  now,
}: LoginGatewayDeps): Router {
  const router = Router();
  router.use(
    "/_matrix/client",
    (req, _res, next) => {
      // Anything else (an unknown version, an odd spelling) falls through to the app's 404.
      next(loginPathKind(pathOf(req)) === "unknown" ? "router" : undefined);
    },
    (req, res, next) => {
      // Synapse serves no other method there, and fetch cannot even send some (TRACE).
      if (RELAYED_METHODS.includes(req.method)) {
        next();
        return;
      }
      res.setHeader("Allow", RELAYED_METHODS.join(", "));
      throw new MatrixError(405, "M_UNRECOGNIZED", "Unrecognized request: method not allowed.");
    },
    // The raw bytes, so what Synapse receives is exactly what the client sent.
    express.raw({ type: () => true, limit: LOGIN_BODY_LIMIT }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
      let attempt: PasswordAttempt | undefined;
      const isLogin = loginPathKind(pathOf(req)) === "login" && req.method === "POST";
      if (isLogin) {
        // Fail closed: a body we cannot read might be one Synapse reads as a JWT login.
        const submission = body && parseJson(body);
        if (typeof submission !== "object" || submission === null) {
          throw new MatrixError(400, "M_NOT_JSON", "Content not JSON.");
        }
        const { type, token } = submission as { type?: unknown; token?: unknown };
        if (type === JWT_LOGIN_TYPE) {
          await redeemSynapseLoginToken(loginTokens, synapseLoginToken, token, now());
        } else if (type === PASSWORD_LOGIN_TYPE) {
          attempt = await beginPasswordAttempt(passwordAttempts, {
            account: passwordLoginAccount(submission as Record<string, unknown>, serverName),
            ip: clientIp(req),
          });
        }
      }
      const headers = forwardedHeaders(req);
      // A login is JSON by now; said so, Synapse never tries a form parser on it (which answers
      // a multipart Content-Type with a bare 415, no Matrix error).
      if (isLogin) headers["content-type"] = "application/json";
      const upstream = await relay({
        method: req.method,
        path: req.originalUrl,
        headers,
        body,
      }).catch(async (error: unknown) => {
        req.log.warn({ err: error }, "login relay to the homeserver failed");
        await attempt?.settle("void");
        throw new MatrixError(502, "M_UNKNOWN", "The homeserver is not reachable.");
      });
      await attempt?.settle(outcomeOf(upstream.status));
      for (const [name, value] of upstream.headers) res.append(name, value);
      res.status(upstream.status).end(upstream.body);
    },
  );
  return router;
}
