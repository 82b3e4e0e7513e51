// Who is asking, proven by a Matrix OpenID token, and whether they are in a room: the checks the
// MatrixRTC token service (rtcTokensIssuer.ts) and the exchange widget (widgetExchange.ts) both
// run against the viewer's homeserver and ours. One place keeps the rules alike: only served
// homeservers are asked (the outbound verifier adds its own protections), the homeserver must
// vouch for one of its own users, and every outbound wait has a bound. Each caller turns an
// OpenIdViewerFailure into its own error, with its own words.

import type { Logger } from "../logger.js";
import type { OpenIdVerifier } from "../matrix/openIdUserInfo.js";
import { type HomeserverAccess, homeserverAccess, vouchedUserMatches } from "./rtcTokens.js";

/** Who is joined to a room, as our homeserver knows it. */
export interface RoomMembers {
  /** Joined members' user ids, or undefined if the homeserver does not know the room. */
  joinedMembers(roomId: string): Promise<readonly string[] | undefined>;
}

export interface OpenIdToken {
  accessToken: string;
  /** The homeserver that issued the token and is asked about it. */
  serverName: string;
}

export interface OpenIdViewerContext {
  ownServerName: string;
  /** Other homeservers whose users are served. */
  allowedHomeservers: readonly string[];
  openId: OpenIdVerifier;
  logger: Logger;
}

export type OpenIdViewerFailureReason =
  | "homeserver_not_allowed"
  /** The homeserver does not vouch for the token, or vouches for someone other than expected. */
  | "unknown_token"
  | "homeserver_unavailable"
  | "homeserver_timeout";

/** Why the viewer could not be identified (or their room read); callers rename it. */
export class OpenIdViewerFailure extends Error {
  readonly reason: OpenIdViewerFailureReason;

  constructor(reason: OpenIdViewerFailureReason, message: string) {
    super(message);
    this.name = "OpenIdViewerFailure";
    this.reason = reason;
  }
}

export interface OpenIdViewer {
  userId: string;
  /** Whether the viewer's homeserver is ours or one the operator allows. */
  access: Exclude<HomeserverAccess, "refused">;
}

/**
 * Asks the token's homeserver whose it is, when that homeserver is served at all.
 * `purpose` starts the log lines ("call token", "widget exchange").
 * @throws OpenIdViewerFailure
 */
export async function verifyOpenIdViewer(
  context: OpenIdViewerContext,
  token: OpenIdToken,
  options: { purpose: string; claimedUserId?: string },
): Promise<OpenIdViewer> {
  const { purpose, claimedUserId } = options;
  const access = homeserverAccess(token.serverName, {
    ownServerName: context.ownServerName,
    allowedHomeservers: context.allowedHomeservers,
  });
  if (access === "refused") {
    context.logger.info(
      { serverName: token.serverName },
      `${purpose} refused: homeserver not allowed`,
    );
    throw new OpenIdViewerFailure("homeserver_not_allowed", "This homeserver is not served.");
  }
  const answer = await context.openId.userInfo(token.serverName, token.accessToken);
  switch (answer.kind) {
    case "user":
      if (!vouchedUserMatches(answer.sub, { serverName: token.serverName, claimedUserId })) {
        context.logger.info(
          { serverName: token.serverName, sub: answer.sub, claimedUserId },
          `${purpose} refused: the OpenID token belongs to someone else`,
        );
        throw new OpenIdViewerFailure("unknown_token", "The OpenID token could not be verified.");
      }
      return { userId: answer.sub, access };
    case "rejected":
      context.logger.info(
        { serverName: token.serverName, status: answer.status, errcode: answer.errcode },
        `${purpose} refused: the homeserver does not know the OpenID token`,
      );
      throw new OpenIdViewerFailure("unknown_token", "The OpenID token could not be verified.");
    case "timeout":
      context.logger.warn({ serverName: token.serverName }, "OpenID userinfo timed out");
      throw new OpenIdViewerFailure(
        "homeserver_timeout",
        "The homeserver did not answer in time to check the OpenID token.",
      );
    case "unavailable":
      context.logger.warn(
        { serverName: token.serverName, reason: answer.reason },
        "OpenID userinfo failed",
      );
      throw new OpenIdViewerFailure(
        "homeserver_unavailable",
        "The homeserver could not be asked to check the OpenID token.",
      );
  }
}

class DeadlinePassed extends Error {}

/**
 * The room's joined members, or undefined for a room our homeserver does not know. The admin
 * client's own timeout suits account changes; a viewer waiting on this gets an answer within
 * `timeoutMs` (the late reply is dropped).
 * @throws OpenIdViewerFailure `homeserver_timeout` or `homeserver_unavailable`
 */
export async function joinedMembersWithin(
  context: { members: RoomMembers; logger: Logger },
  roomId: string,
  timeoutMs: number,
): Promise<readonly string[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DeadlinePassed(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([context.members.joinedMembers(roomId), passed]);
  } catch (error) {
    context.logger.warn({ err: error, roomId }, "reading the room's members failed");
    throw new OpenIdViewerFailure(
      error instanceof DeadlinePassed ? "homeserver_timeout" : "homeserver_unavailable",
      "The homeserver could not be asked about the room's members.",
    );
  } finally {
    clearTimeout(timer);
  }
}
