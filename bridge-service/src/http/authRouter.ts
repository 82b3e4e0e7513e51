import {
  type LoginResponse,
  loginRequestSchema,
  type MatrixTokenResponse,
  passwordChangeRequestSchema,
  signupRequestSchema,
  type UserResponse,
} from "@xstream/contract";
import express, { type Request, Router } from "express";
import { changePassword, describeUser, logIn, signUp } from "../domain/accounts.js";
import type { AuthContext } from "../domain/authContext.js";
import { Refusal } from "../domain/refusal.js";
import { endSession, refreshSession, startSession } from "../domain/sessions.js";
import { issueSynapseLoginToken } from "../domain/synapseLoginTokens.js";
import { parseBody } from "./errors.js";
import { requireSession, sessionOf } from "./sessionAuth.js";
import {
  ACCESS_COOKIE,
  clearSessionCookies,
  REFRESH_COOKIE,
  readCookie,
  setSessionCookies,
} from "./sessionCookies.js";

/** Credentials and names are small; anything bigger is an attack or a mistake. */
export const AUTH_BODY_LIMIT = "16kb";

export interface AuthRouterDeps {
  auth: AuthContext;
  /** PUBLIC_URL: the homeserver base URL clients use (the edge routes /_matrix to Synapse). */
  publicUrl: string;
  secureCookies: boolean;
}

type Account = Parameters<typeof describeUser>[0];

const clientOf = (req: Request) => ({ ip: req.ip ?? req.socket.remoteAddress ?? "unknown" });
const userAgentOf = (req: Request) => req.get("user-agent");

/** /api/auth: sign-up, sessions in HTTP-only cookies, password change, Matrix login tokens. */
export function authRouter({ auth, publicUrl, secureCookies }: AuthRouterDeps): Router {
  const router = Router();
  const { serverName } = auth.settings;
  const userResponse = (account: Account): UserResponse => ({
    user: describeUser(account, serverName),
  });
  /** A fresh single-use JWT for Synapse's `org.matrix.login.jwt`, for the session's device. */
  const matrixToken = (account: Account, deviceId: string): MatrixTokenResponse => ({
    token: issueSynapseLoginToken(auth.settings.synapseLoginToken, account.username, auth.now())
      .token,
    device_id: deviceId,
    user_id: describeUser(account, serverName).matrixUserId,
    homeserver_url: publicUrl,
  });

  router.use((_req, res, next) => {
    // Responses carry session state and tokens: never cache them anywhere.
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  router.use(express.json({ limit: AUTH_BODY_LIMIT }));

  router.post("/signup", async (req, res) => {
    const input = parseBody(signupRequestSchema, req.body);
    const account = await signUp(auth, input, clientOf(req));
    setSessionCookies(res, await startSession(auth, account, userAgentOf(req)), secureCookies);
    res.status(201).json(userResponse(account));
  });

  router.post("/login", async (req, res) => {
    const input = parseBody(loginRequestSchema, req.body);
    const account = await logIn(auth, input, clientOf(req));
    const session = await startSession(auth, account, userAgentOf(req));
    setSessionCookies(res, session, secureCookies);
    // The client logs in to Matrix next: its first JWT comes with this answer, saving a round trip.
    const body: LoginResponse = {
      ...userResponse(account),
      matrix: matrixToken(account, session.family.deviceId),
    };
    res.json(body);
  });

  router.post("/refresh", async (req, res) => {
    const refreshToken = readCookie(req, REFRESH_COOKIE);
    if (!refreshToken) throw new Refusal("missing_session", "Missing refresh token");
    try {
      const { session, account } = await refreshSession(auth, refreshToken);
      setSessionCookies(res, session, secureCookies);
      res.json(userResponse(account));
    } catch (error) {
      // A dead refresh token is useless to keep; the browser should forget it.
      if (error instanceof Refusal) clearSessionCookies(res, secureCookies);
      throw error;
    }
  });

  router.post("/logout", async (req, res) => {
    await endSession(auth, {
      refreshToken: readCookie(req, REFRESH_COOKIE),
      accessToken: readCookie(req, ACCESS_COOKIE),
    });
    clearSessionCookies(res, secureCookies);
    res.json({});
  });

  router.get("/session", requireSession(auth), (_req, res) => {
    res.json(userResponse(sessionOf(res).account));
  });

  router.post("/password", requireSession(auth), async (req, res) => {
    const input = parseBody(passwordChangeRequestSchema, req.body);
    const { account, family } = sessionOf(res);
    await changePassword(auth, account, input, family.familyId, clientOf(req));
    const updated = (await auth.accounts.findById(account.id)) ?? account;
    res.json(userResponse(updated));
  });

  router.post("/matrix-token", requireSession(auth), (_req, res) => {
    const { account, family } = sessionOf(res);
    res.json(matrixToken(account, family.deviceId));
  });

  return router;
}
