import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { MatrixError } from "./errors.js";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Only the homeserver may call the appservice API: it proves itself with the registration's
 * hs_token. Comparing SHA-256 digests keeps the comparison constant-time whatever the length
 * of the presented token (timingSafeEqual itself throws on unequal lengths).
 */
export function requireHsToken(hsToken: string): RequestHandler {
  const expected = digest(hsToken);
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    const presented = match?.[1];
    if (presented === undefined) {
      throw new MatrixError(401, "M_UNAUTHORIZED", "Missing access token");
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new MatrixError(403, "M_FORBIDDEN", "Invalid hs_token");
    }
    next();
  };
}
