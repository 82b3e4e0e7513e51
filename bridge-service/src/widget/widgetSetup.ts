// Wiring of the Xstream widget's bridge side: the panel's API context, and the once-pass that
// gives partner rooms from before the widget their copy.
import type pg from "pg";
import { createWidgetMatrix } from "../bot/widgetMatrix.js";
import type { BridgeConfig } from "../config.js";
import type { PartnerContext } from "../domain/partnerContext.js";
import type { CallTokenContext } from "../domain/rtcTokensIssuer.js";
import { addWidgetToExistingRooms } from "../domain/widgetBackfill.js";
import { type WidgetExchangeContext, widgetExchangeRateLimits } from "../domain/widgetExchange.js";
import type { Logger } from "../logger.js";
import { createPgWidgetBackfillStore, partnerEntryOf } from "../store/pg/widgetStore.js";

/** A learner's panel asks when it opens and when the room's members change. */
const EXCHANGES_PER_VIEWER_PER_MINUTE = 30;

/**
 * The panel's API context. Viewers are checked exactly as call tokens are (the same OpenID
 * verifier, membership look-up and per-address limit); partner organisations' learners are
 * served too, since their rooms with ours carry the widget.
 */
export function createWidgetExchangeContext(
  config: BridgeConfig,
  rtc: CallTokenContext,
  partners: PartnerContext,
  pool: pg.Pool,
  logger: Logger,
): WidgetExchangeContext {
  return {
    ownServerName: config.matrix.serverName,
    allowedHomeservers: [...new Set([...rtc.allowedHomeservers, ...config.directory.partners])],
    botLocalpart: config.matrix.botLocalpart,
    openId: rtc.openId,
    members: rtc.members,
    people: {
      profileOf: (userId) => partners.profiles.get(userId),
      partnerEntryOf: (userId) => partnerEntryOf(pool, userId),
      async arePartners(userId, otherUserId) {
        const partnerships = await partners.partners.partnershipsOf(userId);
        return partnerships.some((partnership) => partnership.users.includes(otherUserId));
      },
    },
    rateLimits: rtc.rateLimits,
    ...widgetExchangeRateLimits({
      perIpPerMinute: config.rtc.tokensPerIpPerMinute,
      perViewerPerMinute: EXCHANGES_PER_VIEWER_PER_MINUTE,
    }),
    membershipTimeoutMs: rtc.membershipTimeoutMs,
    now: () => new Date(),
    logger: logger.child({ component: "widget-exchange" }),
  };
}

/** Runs the once-pass in the background; resolves when it is done, never rejects. */
export async function backfillPartnerRoomWidgets(
  config: BridgeConfig,
  pool: pg.Pool,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ component: "widget-backfill" });
  try {
    const result = await addWidgetToExistingRooms({
      store: createPgWidgetBackfillStore(pool),
      matrix: createWidgetMatrix({
        homeserverUrl: config.matrix.homeserverUrl,
        asToken: config.matrix.asToken,
      }),
      publicUrl: config.publicUrl,
      botUserId: config.matrix.botUserId,
      now: () => new Date(),
      logger: log,
    });
    if (result.added || result.present || result.failed) {
      log.info(result, "partner rooms from before the widget were given it");
    }
  } catch (error) {
    log.warn(
      { err: error },
      "adding the widget to existing partner rooms failed; next start retries",
    );
  }
}
