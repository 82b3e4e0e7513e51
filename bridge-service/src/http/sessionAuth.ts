import type { RequestHandler, Response } from "express";
import type { AuthContext } from "../domain/authContext.js";
import { Refusal } from "../domain/refusal.js";
import { hasRole, type Role } from "../domain/roles.js";
import { type AuthenticatedSession, authenticate } from "../domain/sessions.js";
import { ACCESS_COOKIE, readCookie } from "./sessionCookies.js";

const SESSION_KEY = "session";

/** The session `requireSession` verified for this request. */
export function sessionOf(res: Response): AuthenticatedSession {
  const session = res.locals[SESSION_KEY] as AuthenticatedSession | undefined;
  if (!session) throw new Error("sessionOf() used on a route without requireSession");
  return session;
}

/**
 * Admits requests with a valid access cookie whose session still lives: 401 M_MISSING_TOKEN
 * without the cookie, 401 M_UNKNOWN_TOKEN for an invalid, expired or revoked one.
 */
export function requireSession(ctx: AuthContext): RequestHandler {
  return async (req, res, next) => {
    res.locals[SESSION_KEY] = await authenticate(ctx, readCookie(req, ACCESS_COOKIE));
    next();
  };
}

/**
 * `requireSession` (unless it already ran for this request), then 403 M_FORBIDDEN unless the
 * account has at least `role`. The role is read from the database on every request, so a
 * demotion takes effect at once.
 */
export function requireRole(ctx: AuthContext, role: Role): RequestHandler {
  return async (req, res, next) => {
    const session =
      (res.locals[SESSION_KEY] as AuthenticatedSession | undefined) ??
      (await authenticate(ctx, readCookie(req, ACCESS_COOKIE)));
    res.locals[SESSION_KEY] = session;
    if (!hasRole(session.account.role, role)) {
      throw new Refusal("insufficient_role", `This requires the ${role} role.`);
    }
    next();
  };
}
