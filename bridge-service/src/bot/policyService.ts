// The bot's side of the policy lists: partners' rules as they arrive, invites into partners'
// policy rooms, our removal from one, and the rounds that publish our own bans and keep the
// pairing of the policy rooms in line with PARTNER_ORGANISATIONS. The decisions are the domain's
// (domain/policyList.ts).
import { serverNameOf } from "../domain/matrixIds.js";
import { PAIRING_RETRY_FIRST_MS, PairingBackoff } from "../domain/pairingBackoff.js";
import {
  applyRuleEvent,
  invitedToPolicyRoom,
  isPolicyInvite,
  leftPolicyRoom,
  type PolicyContext,
  publishPendingRules,
  refreshEntriesNow,
  syncPolicyRooms,
} from "../domain/policyList.js";
import { USER_RULE_TYPE } from "../domain/policyRules.js";
import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";
import { roomOrder } from "./roomOrder.js";

/** How often our bans are compared with what our policy room says (a cheap query). */
export const POLICY_PUBLISH_INTERVAL_MS = 2_000;

export interface PolicyServiceDeps {
  events: AppserviceEvents;
  /** Without `refreshEntries`: the service coalesces the re-reading of partners' directories. */
  ctx: Omit<PolicyContext, "refreshEntries">;
  botUserId: string;
  logger: Logger;
  /** How often a complete pairing is checked again (PARTNER_SYNC_SECONDS). */
  intervalMs: number;
  publishIntervalMs?: number;
}

export interface PolicyService {
  /** For the directory's invite handler: true when the invite is for a policy room (handled). */
  claimsInvite(event: ClientEvent): Promise<boolean>;
  start(): void;
  stop(): void;
}

/** `m.room.create`'s `type` in an invite's stripped state, when the inviting server sent it. */
function strippedCreateType(event: ClientEvent): unknown {
  const unsigned = event.unsigned;
  if (typeof unsigned !== "object" || unsigned === null) return undefined;
  const stripped = (unsigned as { invite_room_state?: unknown }).invite_room_state;
  if (!Array.isArray(stripped)) return undefined;
  for (const item of stripped.slice(0, 50) as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { type, content } = item as { type?: unknown; content?: unknown };
    if (type === "m.room.create" && typeof content === "object" && content !== null) {
      return (content as { type?: unknown }).type;
    }
  }
  return undefined;
}

/**
 * Runs `task(key)` once now and, if asked again while it runs, exactly once more afterwards:
 * a burst of rules about one partner costs at most two readings of its directory.
 */
function coalesced(task: (key: string) => Promise<void>): (key: string) => Promise<void> {
  const running = new Map<string, Promise<void>>();
  const again = new Map<string, Promise<void>>();
  const run = (key: string): Promise<void> => {
    const current = running.get(key);
    if (current) {
      const queued = again.get(key) ?? current.catch(() => {}).then(() => run(key));
      again.set(key, queued);
      return queued;
    }
    again.delete(key);
    const started = task(key).finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
  return run;
}

export function createPolicyService({
  events,
  ctx: base,
  botUserId,
  logger,
  intervalMs,
  publishIntervalMs = POLICY_PUBLISH_INTERVAL_MS,
}: PolicyServiceDeps): PolicyService {
  const log = logger.child({ component: "policy" });
  const backoff = new PairingBackoff();
  const ctx: PolicyContext = { ...base };
  ctx.refreshEntries = coalesced((serverName) => refreshEntriesNow(ctx, serverName));

  // A room's rules apply in the order they came: a ban lifted right after it was set stays lifted.
  const inRoomOrder = roomOrder();
  const handled = (roomId: string, task: () => Promise<void>) =>
    inRoomOrder(roomId, task).catch((error: unknown) => {
      log.warn({ err: error, roomId }, "handling a policy event failed");
    });

  const unsubscribe = events.on("event", (event) => {
    if (event.sender === botUserId) return;
    if (event.type === USER_RULE_TYPE && event.state_key !== undefined) {
      const stateKey = event.state_key;
      return handled(event.room_id, () =>
        applyRuleEvent(ctx, {
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
      return handled(event.room_id, () => leftPolicyRoom(ctx, event.room_id));
    }
  });

  let stopped = false;
  let syncTimer: NodeJS.Timeout | undefined;
  let publishTimer: NodeJS.Timeout | undefined;
  let round = 0;
  const syncRound = async () => {
    let pending = true;
    try {
      ({ pending } = await syncPolicyRooms(ctx, { rebuild: round === 0, backoff }));
      round++;
    } catch (error) {
      log.warn({ err: error }, "policy round failed; will retry");
    }
    if (stopped) return;
    const retryIn = backoff.nextDueInMs() ?? PAIRING_RETRY_FIRST_MS;
    const delay = pending
      ? Math.min(intervalMs, Math.max(retryIn, PAIRING_RETRY_FIRST_MS / 4))
      : intervalMs;
    syncTimer = setTimeout(syncRound, delay);
    syncTimer.unref();
  };
  const publishRound = async () => {
    try {
      const sent = await publishPendingRules(ctx);
      if (sent) log.info({ sent }, "policy rules published");
    } catch (error) {
      log.warn({ err: error }, "publishing policy rules failed; will retry");
    }
    if (stopped) return;
    publishTimer = setTimeout(publishRound, publishIntervalMs);
    publishTimer.unref();
  };

  return {
    async claimsInvite(event) {
      if (serverNameOf(event.sender) === serverNameOf(botUserId)) return false;
      if (!(await isPolicyInvite(ctx, event.sender, event.room_id, strippedCreateType(event)))) {
        return false;
      }
      await handled(event.room_id, () =>
        invitedToPolicyRoom(ctx, event.sender, event.room_id, backoff),
      );
      return true;
    },
    start() {
      void syncRound();
      void publishRound();
    },
    stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(syncTimer);
      clearTimeout(publishTimer);
    },
  };
}
