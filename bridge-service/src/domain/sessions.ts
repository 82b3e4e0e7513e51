import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import type { AccountRecord } from "../store/accountStore.js";
import type { SessionFamily } from "../store/sessionStore.js";
import { matrixUserIdOf } from "./accounts.js";
import type { AccessTokenSettings, AuthContext } from "./authContext.js";
import { signHs256, timeClaims, verifyHs256 } from "./jwt.js";
import { Refusal } from "./refusal.js";

/** Credentials of a signed-in browser: what the HTTP layer puts in cookies. */
export interface IssuedSession {
  family: SessionFamily;
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** A request's verified session: its account (current role included) and family. */
export interface AuthenticatedSession {
  account: AccountRecord;
  family: SessionFamily;
}

const UPPERCASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A Matrix device id for a new session family: `XS` + 10 random upper-case letters. */
export function newDeviceId(): string {
  let id = "XS";
  for (let i = 0; i < 10; i++) id += UPPERCASE[randomInt(UPPERCASE.length)];
  return id;
}

/** Refresh tokens are looked up by SHA-256: a database leak yields no usable token. */
export function hashRefreshToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

function newRefreshToken(ctx: AuthContext, now: Date) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ctx.settings.refreshTokenTtlMs);
  return { token, stored: { tokenHash: hashRefreshToken(token), expiresAt } };
}

/** The access JWT: `sub` = account id, `sid` = refresh family, HS256 with SESSION_SECRET. */
export function issueAccessToken(
  settings: AccessTokenSettings,
  accountId: string,
  familyId: string,
  now: Date,
): { token: string; expiresAt: Date } {
  const times = timeClaims(now, settings.ttlMs);
  const token = signHs256(
    { sub: accountId, sid: familyId, iss: settings.issuer, aud: settings.audience, ...times },
    settings.secret,
  );
  return { token, expiresAt: new Date(times.exp * 1000) };
}

/**
 * Checks an access JWT's signature and claims (not yet whether its session still lives).
 * @throws Refusal `unknown_session`
 */
export function verifyAccessToken(
  settings: AccessTokenSettings,
  token: string,
  now: Date,
): { accountId: string; familyId: string } {
  const claims = verifyHs256(token, settings.secret, {
    issuer: settings.issuer,
    audience: settings.audience,
    now,
  });
  if (!claims || typeof claims.sid !== "string") {
    throw new Refusal("unknown_session", "Invalid or expired session");
  }
  return { accountId: claims.sub, familyId: claims.sid };
}

/** Sessions that began at or before this are over, however recently they were refreshed. */
function sessionCutOff(ctx: AuthContext, now: Date): Date {
  return new Date(now.getTime() - ctx.settings.sessionMaxLifetimeMs);
}

/** Opens a new session family (one browser) with a fresh Matrix device id. */
export async function startSession(
  ctx: AuthContext,
  account: AccountRecord,
  userAgent: string | undefined,
): Promise<IssuedSession> {
  const now = ctx.now();
  const family: SessionFamily = {
    familyId: randomUUID(),
    accountId: account.id,
    deviceId: newDeviceId(),
  };
  const refresh = newRefreshToken(ctx, now);
  await ctx.sessions.createFamily({ ...family, userAgent }, refresh.stored, now);
  const access = issueAccessToken(ctx.settings.accessToken, account.id, family.familyId, now);
  return {
    family,
    accessToken: access.token,
    accessExpiresAt: access.expiresAt,
    refreshToken: refresh.token,
    refreshExpiresAt: refresh.stored.expiresAt,
  };
}

/** Logs out the family's Matrix device; a failure is logged, the session is already gone. */
async function deleteMatrixDevice(ctx: AuthContext, account: AccountRecord, deviceId: string) {
  const userId = matrixUserIdOf(account.username, ctx.settings.serverName);
  await ctx.synapse.deleteDevice(userId, deviceId);
}

/**
 * Exchanges a refresh token for a new one (rotation) and a new access token. Presenting a token
 * that was already rotated revokes its whole family and logs out the family's Matrix device:
 * either the browser or a thief used it twice, and we cannot tell which. A family older than
 * `sessionMaxLifetimeMs` (from its first sign-in) is ended the same way: sign in again.
 * @throws Refusal `unknown_session`
 */
export async function refreshSession(
  ctx: AuthContext,
  refreshToken: string,
): Promise<{ session: IssuedSession; account: AccountRecord }> {
  const now = ctx.now();
  const ended = () => new Refusal("unknown_session", "Invalid or expired session");
  const replacement = newRefreshToken(ctx, now);
  const result = await ctx.sessions.rotate(
    hashRefreshToken(refreshToken),
    replacement.stored,
    now,
    sessionCutOff(ctx, now),
  );
  if (result.outcome === "invalid") throw ended();
  const { family } = result;
  const account = await ctx.accounts.findById(family.accountId);
  if (result.outcome === "reused" || result.outcome === "ended") {
    if (result.outcome === "reused") {
      ctx.logger.warn(
        { familyId: family.familyId, accountId: family.accountId },
        "refresh token reused: session family revoked",
      );
    } else {
      ctx.logger.info(
        { familyId: family.familyId, accountId: family.accountId },
        "session reached its maximum lifetime: sign-in required",
      );
    }
    // The family's Matrix device goes with it, as at logout: its access token must not
    // outlive the web session that owns it.
    if (account) {
      await deleteMatrixDevice(ctx, account, family.deviceId).catch((error: unknown) =>
        ctx.logger.error({ err: error, familyId: family.familyId }, "could not delete device"),
      );
    }
    throw ended();
  }
  if (!account) {
    await ctx.sessions.revokeFamily(family.familyId, now);
    throw ended();
  }
  const access = issueAccessToken(ctx.settings.accessToken, account.id, family.familyId, now);
  // The cookie need not outlast the session: past its lifetime the token is refused anyway.
  const sessionEndsAt = result.startedAt.getTime() + ctx.settings.sessionMaxLifetimeMs;
  return {
    account,
    session: {
      family,
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: replacement.token,
      refreshExpiresAt: new Date(Math.min(replacement.stored.expiresAt.getTime(), sessionEndsAt)),
    },
  };
}

/**
 * Resolves an access token to a live session: valid JWT, family not revoked nor past its
 * absolute lifetime, account present.
 * Checking the family on every request is what makes logout and password changes end other
 * sessions at once rather than when their access token expires.
 * @throws Refusal `missing_session` or `unknown_session`
 */
export async function authenticate(
  ctx: AuthContext,
  accessToken: string | undefined,
): Promise<AuthenticatedSession> {
  if (!accessToken) throw new Refusal("missing_session", "Missing session");
  const now = ctx.now();
  const { accountId, familyId } = verifyAccessToken(ctx.settings.accessToken, accessToken, now);
  const ended = () => new Refusal("unknown_session", "Invalid or expired session");
  const family = await ctx.sessions.findLiveFamily(familyId, now, sessionCutOff(ctx, now));
  if (family?.accountId !== accountId) throw ended();
  const account = await ctx.accounts.findById(accountId);
  if (!account) throw ended();
  return { account, family };
}

/**
 * Ends a browser's session: revokes its refresh family and deletes its Matrix device, so the
 * Matrix access token dies too. Idempotent; the family is found from the refresh token (in any
 * state) or else from a valid access token.
 */
export async function endSession(
  ctx: AuthContext,
  credentials: { refreshToken?: string; accessToken?: string },
): Promise<void> {
  const now = ctx.now();
  let family = credentials.refreshToken
    ? await ctx.sessions.findFamilyByToken(hashRefreshToken(credentials.refreshToken))
    : undefined;
  if (!family && credentials.accessToken) {
    try {
      const { familyId, accountId } = verifyAccessToken(
        ctx.settings.accessToken,
        credentials.accessToken,
        now,
      );
      const live = await ctx.sessions.findLiveFamily(familyId, now);
      if (live?.accountId === accountId) family = live;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
    }
  }
  if (!family) return;
  await ctx.sessions.revokeFamily(family.familyId, now);
  const account = await ctx.accounts.findById(family.accountId);
  // Not swallowed: if Synapse is down the caller should retry, and the retry finds the family
  // again (by its revoked token) and deletes the device then.
  if (account) await deleteMatrixDevice(ctx, account, family.deviceId);
}

/** Revoked tokens are kept this long (for support questions), then deleted. */
export const REVOKED_TOKEN_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Deletes expired refresh tokens, login-token `jti`s and rate-limit windows. */
export async function pruneExpiredAuthState(
  ctx: Pick<AuthContext, "sessions" | "loginTokens" | "rateLimits" | "now">,
): Promise<{ refreshTokens: number; loginTokens: number; rateLimitWindows: number }> {
  const now = ctx.now();
  const revokedBefore = new Date(now.getTime() - REVOKED_TOKEN_RETENTION_MS);
  return {
    refreshTokens: await ctx.sessions.prune(now, revokedBefore),
    loginTokens: await ctx.loginTokens.prune(now),
    rateLimitWindows: await ctx.rateLimits.prune(now),
  };
}
