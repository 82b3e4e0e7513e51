import type { RequestHandler } from "express";
import { MatrixError } from "./errors.js";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * CSRF defence for cookie-authenticated writes: the request must come from an allowed origin,
 * shown by its Origin header or, when a browser omits that, its Referer. A write with neither
 * is refused too. SameSite=Strict cookies are the first line; this is the second.
 */
export function refuseCrossSiteWrites(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    if (!WRITE_METHODS.has(req.method)) {
      next();
      return;
    }
    const { origin, referer } = req.headers;
    const claimed = origin !== undefined ? origin : referer && originOf(referer);
    if (!claimed || !allowed.has(claimed)) {
      throw new MatrixError(403, "M_FORBIDDEN", "cross-site request refused");
    }
    next();
  };
}

/**
 * CORS for /api: only allow-listed origins, with credentials. Preflights from other origins are
 * refused; their plain requests get no CORS headers, so browsers withhold the response.
 */
export function corsAllowList(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary("Origin");
    const permitted = origin !== undefined && allowed.has(origin);
    if (permitted) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      if (!permitted) throw new MatrixError(403, "M_FORBIDDEN", "origin not allowed");
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
      res.setHeader("Access-Control-Allow-Headers", "Content-Type, X-Request-Id");
      res.setHeader("Access-Control-Max-Age", "600");
      res.status(204).end();
      return;
    }
    next();
  };
}
