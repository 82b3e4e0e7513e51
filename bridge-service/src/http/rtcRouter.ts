import express, { type Request, type RequestHandler, Router } from "express";
import {
  type CallTokenContext,
  CallTokenFailure,
  type CallTokenFailureReason,
  issueCallToken,
  issueLegacyCallToken,
} from "../domain/rtcTokensIssuer.js";
import { MatrixError, parseBody } from "./errors.js";
import {
  type CallTokenResponseJson,
  callTokenRequestSchema,
  delegatesDelayedLeave,
  legacyCallTokenRequestSchema,
} from "./rtcSchemas.js";

/** A token request is a few hundred bytes. */
export const RTC_BODY_LIMIT = "16kb";

export const CALL_TOKEN_PATHS = ["/get_token", "/sfu/get"];

/** Status and errcode for each reason a token was not issued. */
export const CALL_TOKEN_FAILURE_RESPONSES: Readonly<
  Record<CallTokenFailureReason, [number, string]>
> = {
  invalid_param: [400, "M_INVALID_PARAM"],
  // lk-jwt-service's code for it, which Element Call answers by retrying without delegation.
  delegation_unsupported: [400, "M_BAD_JSON"],
  unauthorized: [401, "M_UNAUTHORIZED"],
  homeserver_not_allowed: [403, "M_FORBIDDEN"],
  not_joined: [403, "M_FORBIDDEN"],
  homeserver_unavailable: [502, "M_UNKNOWN"],
  homeserver_timeout: [504, "M_UNKNOWN"],
  sfu_unavailable: [502, "M_UNKNOWN"],
  sfu_timeout: [504, "M_UNKNOWN"],
};

/**
 * CORS for the token endpoints: any origin (Element Call and other MatrixRTC clients run on
 * their own), never credentials (the OpenID token in the body is the only authentication).
 * Preflights are answered here; every answer, errors included, is readable cross-origin.
 */
export const allowAnyOrigin: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "POST");
    res.setHeader(
      "Access-Control-Allow-Headers",
      "Accept, Content-Type, Content-Length, Accept-Encoding, X-Requested-With",
    );
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
    return;
  }
  next();
};

const clientOf = (req: Request) => ({ ip: req.ip ?? req.socket.remoteAddress ?? "unknown" });

function translated(error: unknown): unknown {
  if (!(error instanceof CallTokenFailure)) return error;
  const [status, errcode] = CALL_TOKEN_FAILURE_RESPONSES[error.reason];
  return new MatrixError(status, errcode, error.message, { field: error.field });
}

/** The MatrixRTC LiveKit token service: lk-jwt-service's /get_token and legacy /sfu/get. */
export function rtcRouter(context: CallTokenContext): Router {
  const router = Router();
  router.use(CALL_TOKEN_PATHS, allowAnyOrigin, (_req, res, next) => {
    // Tokens are per request and secret: never cached anywhere.
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  const json = express.json({ limit: RTC_BODY_LIMIT });

  router.post("/get_token", json, async (req, res) => {
    const body = parseBody(callTokenRequestSchema, req.body);
    try {
      const token = await issueCallToken(
        context,
        {
          roomId: body.room_id,
          slotId: body.slot_id,
          openIdToken: {
            accessToken: body.openid_token.access_token,
            serverName: body.openid_token.matrix_server_name,
          },
          member: {
            id: body.member.id,
            claimedUserId: body.member.claimed_user_id,
            claimedDeviceId: body.member.claimed_device_id,
          },
          delegatesDelayedLeave: delegatesDelayedLeave(body),
        },
        clientOf(req),
      );
      const response: CallTokenResponseJson = { url: token.url, jwt: token.jwt };
      res.json(response);
    } catch (error) {
      throw translated(error);
    }
  });

  router.post("/sfu/get", json, async (req, res) => {
    const body = parseBody(legacyCallTokenRequestSchema, req.body);
    try {
      const token = await issueLegacyCallToken(
        context,
        {
          roomId: body.room,
          openIdToken: {
            accessToken: body.openid_token.access_token,
            serverName: body.openid_token.matrix_server_name,
          },
          deviceId: body.device_id,
          delegatesDelayedLeave: delegatesDelayedLeave(body),
        },
        clientOf(req),
      );
      const response: CallTokenResponseJson = { url: token.url, jwt: token.jwt };
      res.json(response);
    } catch (error) {
      throw translated(error);
    }
  });

  // Other methods get app.ts's 405 with an Allow header.
  return router;
}
