import type { CookieOptions, Request, Response } from "express";
import type { IssuedSession } from "../domain/sessions.js";

export const ACCESS_COOKIE = "xs_access";
export const REFRESH_COOKIE = "xs_refresh";
/** The access cookie goes with every /api call; the refresh cookie only to /api/auth. */
export const ACCESS_COOKIE_PATH = "/api";
export const REFRESH_COOKIE_PATH = "/api/auth";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Cookies are Secure unless learners open plain-http loopback (local development), where a
 * Secure cookie would never be sent back.
 */
export function cookiesAreSecure(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return !(url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

function baseOptions(secure: boolean, path: string): CookieOptions {
  return { httpOnly: true, sameSite: "strict", secure, path };
}

export function setSessionCookies(res: Response, session: IssuedSession, secure: boolean): void {
  res.cookie(ACCESS_COOKIE, session.accessToken, {
    ...baseOptions(secure, ACCESS_COOKIE_PATH),
    expires: session.accessExpiresAt,
  });
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    ...baseOptions(secure, REFRESH_COOKIE_PATH),
    expires: session.refreshExpiresAt,
  });
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  res.clearCookie(ACCESS_COOKIE, baseOptions(secure, ACCESS_COOKIE_PATH));
  res.clearCookie(REFRESH_COOKIE, baseOptions(secure, REFRESH_COOKIE_PATH));
}

/** A cookie's value if present and a plain string (cookie-parser may decode `j:` JSON). */
export function readCookie(req: Request, name: string): string | undefined {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
