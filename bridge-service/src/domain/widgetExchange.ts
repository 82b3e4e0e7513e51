// What the exchange panel shows about a room's two learners (POST /api/widget/exchange). The panel
// may run as a widget inside another client, with no Xstream session: the viewer proves who they
// are with a Matrix OpenID token, checked at their homeserver under the MatrixRTC token service's
// rules (openIdViewer.ts), and is answered only about a room they have joined, and only about the one
// other learner in it.

import { createHash } from "node:crypto";
import type { Logger } from "../logger.js";
import type { OpenIdVerifier } from "../matrix/openIdUserInfo.js";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import { isMatrixRoomId, isServerName, serverNameOf } from "./matrixIds.js";
import {
  joinedMembersWithin,
  OpenIdViewerFailure,
  type RoomMembers,
  verifyOpenIdViewer,
} from "./openIdViewer.js";
import type { LearningLanguage, Profile } from "./profiles.js";
import { consumeRateLimit, type RateLimitRule } from "./rateLimits.js";

/** One of the two learners, as the panel shows them. */
export interface ExchangePerson {
  userId: string;
  displayName: string;
  native: string[];
  learning: LearningLanguage[];
  /** The partner organisation they belong to; null for this organisation's learners. */
  organisation: string | null;
}

/** A partner organisation's learner, as its directory entry says. */
export interface PartnerEntry {
  displayName: string;
  native: string[];
  learning: LearningLanguage[];
  organisation: string;
}

/** Where people's languages come from (PostgreSQL in production). */
export interface ExchangePeople {
  /** Our profile of the user (local learners, and other servers' users who talk to the bot). */
  profileOf(userId: string): Promise<Profile | undefined>;
  /** A partner organisation's directory entry for the user, with the organisation's name. */
  partnerEntryOf(userId: string): Promise<PartnerEntry | undefined>;
  /** Whether the two have a partnership here. */
  arePartners(userId: string, otherUserId: string): Promise<boolean>;
}

export interface WidgetExchangeContext {
  ownServerName: string;
  /** Other homeservers whose users are served: RTC_ALLOWED_HOMESERVERS and partner organisations. */
  allowedHomeservers: readonly string[];
  /** The bots' localpart: `@<it>:<own or a partner's server>` is a bot, never "the partner". */
  botLocalpart: string;
  openId: OpenIdVerifier;
  members: RoomMembers;
  people: ExchangePeople;
  rateLimits: RateLimitStore;
  /** Per client address, counted before anything is asked of a homeserver. */
  perIp: RateLimitRule;
  /** Per viewer, counted once the homeserver has vouched for them. */
  perViewer: RateLimitRule;
  /** Bound on the membership check. */
  membershipTimeoutMs: number;
  now: () => Date;
  logger: Logger;
}

export interface WidgetExchangeRequest {
  roomId: string;
  openIdToken: { accessToken: string; serverName: string };
}

export interface ExchangePeopleView {
  viewer: ExchangePerson | null;
  partner: ExchangePerson | null;
}

export type WidgetExchangeFailureReason =
  | "invalid_param"
  /** The homeserver does not vouch for the token (forged, expired), or vouches for another server's user. */
  | "unknown_token"
  | "homeserver_not_allowed"
  /** Not joined to the room, or no such room: deliberately the same. */
  | "not_joined"
  | "homeserver_unavailable"
  | "homeserver_timeout";

/** Why the panel's request was refused; the HTTP layer picks status and errcode from `reason`. */
export class WidgetExchangeFailure extends Error {
  readonly reason: WidgetExchangeFailureReason;
  readonly field: string | undefined;

  constructor(
    reason: WidgetExchangeFailureReason,
    message: string,
    options: { field?: string } = {},
  ) {
    super(message);
    this.name = "WidgetExchangeFailure";
    this.reason = reason;
    this.field = options.field;
  }
}

const MINUTE = 60_000;

/** The panel asks once when it opens and again when the room's members change. */
export function widgetExchangeRateLimits(limits: {
  perIpPerMinute: number;
  perViewerPerMinute: number;
}) {
  return {
    perIp: { name: "widget-exchange:ip", limit: limits.perIpPerMinute, windowMs: MINUTE },
    perViewer: { name: "widget-exchange:user", limit: limits.perViewerPerMinute, windowMs: MINUTE },
  } satisfies Record<string, RateLimitRule>;
}

// One message for every token failure: a caller learns nothing about which part was wrong.
const UNKNOWN_TOKEN = "The OpenID token could not be verified.";
const NOT_JOINED = "You are not joined to this room.";

/** The shared viewer checks' failure, in the panel's words. */
function widgetFailureOf(error: unknown): unknown {
  if (!(error instanceof OpenIdViewerFailure)) return error;
  switch (error.reason) {
    case "homeserver_not_allowed":
      return new WidgetExchangeFailure(
        "homeserver_not_allowed",
        "Users of this homeserver cannot use this service.",
      );
    case "unknown_token":
      return new WidgetExchangeFailure("unknown_token", UNKNOWN_TOKEN);
    default:
      return new WidgetExchangeFailure(error.reason, error.message);
  }
}

async function rethrownAsWidgetFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw widgetFailureOf(error);
  }
}

/**
 * The per-viewer bucket is keyed by a hash of the user id: the rate-limit key keeps 64
 * characters, and two long ids sharing a prefix must not share a bucket.
 */
const viewerKey = (userId: string) => createHash("sha256").update(userId).digest("hex");

function isBot(ctx: WidgetExchangeContext, userId: string): boolean {
  if (userId.slice(1).split(":")[0] !== ctx.botLocalpart) return false;
  const server = serverNameOf(userId);
  return server === ctx.ownServerName || ctx.allowedHomeservers.includes(server);
}

async function personOf(
  ctx: WidgetExchangeContext,
  userId: string,
  profile: Profile | undefined,
): Promise<ExchangePerson | null> {
  if (profile) {
    return {
      userId,
      displayName: profile.displayName,
      native: profile.native,
      learning: profile.learning,
      organisation: null,
    };
  }
  const entry = await ctx.people.partnerEntryOf(userId);
  if (!entry) return null;
  return {
    userId,
    displayName: entry.displayName,
    native: entry.native,
    learning: entry.learning,
    organisation: entry.organisation,
  };
}

/**
 * The partner's languages, when the viewer may see them: they are partners here, or the partner
 * chose to be found (a discoverable profile, or an entry their organisation shares with ours).
 * A learner who hides their profile is not described to whoever shares a room with them.
 */
async function partnerOf(
  ctx: WidgetExchangeContext,
  viewerId: string,
  partnerId: string,
): Promise<ExchangePerson | null> {
  const [profile, partners] = await Promise.all([
    ctx.people.profileOf(partnerId),
    ctx.people.arePartners(viewerId, partnerId),
  ]);
  if (profile && !profile.discoverable && !partners) return null;
  return personOf(ctx, partnerId, profile);
}

/**
 * Both learners of a room, as the viewer may see them.
 * @throws WidgetExchangeFailure, or Refusal `rate_limited`
 */
export async function describeExchange(
  ctx: WidgetExchangeContext,
  request: WidgetExchangeRequest,
  client: { ip: string },
): Promise<ExchangePeopleView> {
  await consumeRateLimit(ctx.rateLimits, ctx.perIp, client.ip, ctx.now());
  const { roomId, openIdToken } = request;
  if (!isMatrixRoomId(roomId)) {
    throw new WidgetExchangeFailure("invalid_param", "Not a Matrix room id.", { field: "room_id" });
  }
  if (!isServerName(openIdToken.serverName)) {
    throw new WidgetExchangeFailure("invalid_param", "Not a Matrix server name.", {
      field: "openid.matrix_server_name",
    });
  }
  const { userId: viewerId } = await rethrownAsWidgetFailure(
    verifyOpenIdViewer(ctx, openIdToken, { purpose: "widget exchange" }),
  );
  await consumeRateLimit(ctx.rateLimits, ctx.perViewer, viewerKey(viewerId), ctx.now());
  const members = await rethrownAsWidgetFailure(
    joinedMembersWithin(ctx, roomId, ctx.membershipTimeoutMs),
  );
  if (!members?.includes(viewerId)) {
    ctx.logger.info({ roomId, userId: viewerId }, "widget exchange refused: not joined");
    throw new WidgetExchangeFailure("not_joined", NOT_JOINED);
  }

  // A partner room holds the two learners and the bot that made it; any other room has no
  // single partner to describe.
  const others = members.filter((userId) => userId !== viewerId && !isBot(ctx, userId));
  const partnerId = others.length === 1 ? others[0] : undefined;
  const [viewer, partner] = await Promise.all([
    ctx.people.profileOf(viewerId).then((profile) => personOf(ctx, viewerId, profile)),
    partnerId === undefined ? null : partnerOf(ctx, viewerId, partnerId),
  ]);
  return { viewer, partner };
}
