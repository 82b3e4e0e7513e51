// The bot's side of the partner directory: Matrix events in (invites from partners' bots, their
// learner entries, our removal from a partner's room) and the rounds that keep the pairing in
// line with PARTNER_ORGANISATIONS. The decisions are the domain's (domain/directory.ts).
import {
  applyLearnerEvent,
  type DirectoryContext,
  invitedByBot,
  leftPartnerRoom,
  reconcileDirectory,
  rereadPartners,
  syncDirectory,
} from "../domain/directory.js";
import { LEARNER_EVENT_TYPE } from "../domain/directoryEntries.js";
import { serverNameOf } from "../domain/matrixIds.js";
import { PAIRING_RETRY_FIRST_MS, PairingBackoff } from "../domain/pairingBackoff.js";
import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import { type ClientEvent, isInviteFor } from "../matrix/events.js";
import { roomOrder } from "./roomOrder.js";

/**
 * How often a complete pairing is checked again. While a partner's side is incomplete (their bot
 * not in our room, or we not in theirs), rounds come as early as the retry backoff allows: from
 * PAIRING_RETRY_FIRST_MS, growing by PAIRING_RETRY_FACTOR per failed attempt.
 */
export const DIRECTORY_SYNC_INTERVAL_MS = 30_000;
/** Every this many intervals, every opted-in learner's entry is checked again. */
const RECONCILE_EVERY_ROUNDS = 10;

/** True for an invite of our bot sent by another server's bot: a partner's directory room. */
export function isDirectoryInvite(botUserId: string): (event: ClientEvent) => boolean {
  const localpart = botUserId.slice(1, botUserId.indexOf(":"));
  const ownServer = serverNameOf(botUserId);
  return (event) =>
    isInviteFor(event, botUserId) &&
    event.sender.startsWith(`@${localpart}:`) &&
    serverNameOf(event.sender) !== ownServer;
}

export interface DirectoryServiceDeps {
  events: AppserviceEvents;
  ctx: DirectoryContext;
  botUserId: string;
  logger: Logger;
  intervalMs?: number;
  /**
   * Asked first about every invite from another server's bot: true when another list (the
   * policy list) takes it, so the directory does not join and then leave that room.
   */
  claimsInvite?: (event: ClientEvent) => Promise<boolean>;
  /** Retry schedule of the directory's invites and joins. */
  backoff?: PairingBackoff;
}

/**
 * Listens for directory events at once; the rounds start when `start()` is called (once the
 * homeserver answers). Returns a function that stops both.
 */
export function createDirectoryService({
  events,
  ctx,
  botUserId,
  logger,
  intervalMs = DIRECTORY_SYNC_INTERVAL_MS,
  claimsInvite,
  backoff = new PairingBackoff(),
}: DirectoryServiceDeps): { start(): void; stop(): void } {
  const log = logger.child({ component: "directory" });
  const directoryInvite = isDirectoryInvite(botUserId);

  // A room's events apply in the order they came (an entry set and then cleared stays cleared),
  // and a round's fresh read of a partner's room waits its turn among them.
  const inRoomOrder = roomOrder();
  const roundCtx: DirectoryContext = { ...ctx, inRoomOrder };
  const handled = (roomId: string, task: () => Promise<void>) =>
    inRoomOrder(roomId, task).catch((error: unknown) => {
      log.warn({ err: error, roomId }, "handling a directory event failed");
    });

  const unsubscribe = events.on("event", (event) => {
    if (event.sender === botUserId) return;
    if (directoryInvite(event)) {
      return handled(event.room_id, async () => {
        if (await claimsInvite?.(event)) return;
        await invitedByBot(ctx, event.sender, event.room_id, backoff);
      });
    }
    if (event.type === LEARNER_EVENT_TYPE && event.state_key !== undefined) {
      const stateKey = event.state_key;
      return handled(event.room_id, () =>
        applyLearnerEvent(ctx, {
          roomId: event.room_id,
          sender: event.sender,
          stateKey,
          content: event.content,
        }),
      );
    }
    if (
      event.type === "m.room.member" &&
      event.state_key === botUserId &&
      (event.content.membership === "leave" || event.content.membership === "ban")
    ) {
      return handled(event.room_id, () => leftPartnerRoom(ctx, event.room_id));
    }
  });

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let round = 0;
  let reconciledAt = Number.NEGATIVE_INFINITY;
  let rereadAt = Date.now();
  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(runRound, delayMs);
    timer.unref();
  };
  const runRound = async () => {
    let pending = true;
    try {
      // The first round reads every partner's room afresh: whatever happened while we were
      // stopped, room state is the truth.
      ({ pending } = await syncDirectory(roundCtx, { rebuild: round === 0, backoff }));
      // So does one round in RECONCILE_EVERY_ROUNDS: whatever an event handled wrongly or not at
      // all left behind is put right from the state our homeserver holds. (An event it never got
      // is another matter: see bot/partnerBotJoins.ts.)
      if (round > 0 && Date.now() - rereadAt >= intervalMs * RECONCILE_EVERY_ROUNDS) {
        rereadAt = Date.now();
        await rereadPartners(roundCtx);
      }
      if (Date.now() - reconciledAt >= intervalMs * RECONCILE_EVERY_ROUNDS) {
        reconciledAt = Date.now();
        const changed = await reconcileDirectory(ctx);
        if (changed) log.info({ changed }, "directory entries brought up to date");
      }
      round++;
    } catch (error) {
      log.warn({ err: error }, "directory round failed; will retry");
    }
    const retryIn = backoff.nextDueInMs() ?? PAIRING_RETRY_FIRST_MS;
    schedule(
      pending ? Math.min(intervalMs, Math.max(retryIn, PAIRING_RETRY_FIRST_MS / 4)) : intervalMs,
    );
  };

  return {
    start() {
      schedule(0);
    },
    stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
    },
  };
}
