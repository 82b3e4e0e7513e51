import jwt from "jsonwebtoken";

/** Registered claims every token we issue carries; times in seconds since the epoch. */
export interface IssuedClaims {
  sub: string;
  iss: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti?: string;
  [claim: string]: unknown;
}

export interface VerifiedClaims extends Record<string, unknown> {
  sub: string;
  exp: number;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** HS256-signs `claims` exactly as given (no claims added by the library). */
export function signHs256(claims: IssuedClaims, secret: string): string {
  // `iat` is in `claims`, so the library keeps it rather than stamping its own clock.
  return jwt.sign(claims, secret, { algorithm: "HS256" });
}

/** The registered time claims for a token issued at `now` that lives `ttlMs`. */
export function timeClaims(now: Date, ttlMs: number): { iat: number; nbf: number; exp: number } {
  const iat = seconds(now);
  return { iat, nbf: iat, exp: iat + Math.floor(ttlMs / 1000) };
}

/**
 * Verifies an HS256 token: the algorithm is pinned (so `alg: none` and RS/HS confusion fail),
 * signature, issuer, audience, `exp` and `nbf` are checked against `now` with no leeway, and
 * `sub` and `exp` must be present. Returns undefined for any failure: callers refuse alike.
 */
export function verifyHs256(
  token: string,
  secret: string,
  expected: { issuer: string; audience: string; now: Date },
): VerifiedClaims | undefined {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: ["HS256"],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTimestamp: seconds(expected.now),
      clockTolerance: 0,
    });
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || typeof payload.sub !== "string") return undefined;
  if (typeof payload.exp !== "number") return undefined;
  return { ...payload, sub: payload.sub, exp: payload.exp };
}
