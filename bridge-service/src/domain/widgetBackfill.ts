// Partner rooms made before the Xstream widget existed get it once. The migration that brought
// the widget listed those rooms; each bridge start works through what is left of the list. Every
// room is claimed in PostgreSQL before it is touched, so two replicas starting together never
// both write it, and a room is struck off the list once it has the widget (or had one already).
import { EXCHANGE_WIDGET_ID } from "@xstream/contract";
import type { Logger } from "../logger.js";
import {
  exchangeWidgetContent,
  exchangeWidgetLayout,
  isLiveWidget,
  WIDGET_EVENT_TYPE,
  WIDGET_LAYOUT_EVENT_TYPE,
} from "./widgetState.js";

/** The list of rooms still waiting for the widget (PostgreSQL in store/pg/widgetStore.ts). */
export interface WidgetBackfillStore {
  /** Rooms on the list after `afterRoomId`, in room id order. */
  roomsAwaitingWidget(afterRoomId: string, limit: number): Promise<string[]>;
  /**
   * Claims a listed room for this replica: false when it is done, or another claim is younger
   * than `staleAfterMs` (its replica may still be working on it).
   */
  claimWidgetRoom(roomId: string, now: Date, staleAfterMs: number): Promise<boolean>;
  /** Strikes the room off the list. */
  markWidgetAdded(roomId: string, now: Date): Promise<void>;
  /** Gives a claim up after a failure; the next start tries again. */
  releaseWidgetRoom(roomId: string): Promise<void>;
}

/** The widget's state in a room, as the bot reads and writes it. */
export interface WidgetRoomMatrix {
  /** Content of a state event, or undefined when the room never had one. */
  stateContent(
    roomId: string,
    type: string,
    stateKey: string,
  ): Promise<Record<string, unknown> | undefined>;
  putState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<void>;
}

export interface WidgetBackfillContext {
  store: WidgetBackfillStore;
  matrix: WidgetRoomMatrix;
  publicUrl: string;
  botUserId: string;
  now: () => Date;
  logger: Logger;
}

/** A claim older than this belongs to a replica that died mid-room. */
export const WIDGET_CLAIM_STALE_MS = 2 * 60_000;
const BATCH = 50;

export interface WidgetBackfillResult {
  added: number;
  /** Rooms that already had a live widget: struck off without a write. */
  present: number;
  failed: number;
}

async function addToRoom(ctx: WidgetBackfillContext, roomId: string): Promise<"added" | "present"> {
  const current = await ctx.matrix.stateContent(roomId, WIDGET_EVENT_TYPE, EXCHANGE_WIDGET_ID);
  if (isLiveWidget(current)) return "present";
  const layout = await ctx.matrix.stateContent(roomId, WIDGET_LAYOUT_EVENT_TYPE, "");
  await ctx.matrix.putState(
    roomId,
    WIDGET_EVENT_TYPE,
    EXCHANGE_WIDGET_ID,
    exchangeWidgetContent(ctx.publicUrl, ctx.botUserId),
  );
  await ctx.matrix.putState(roomId, WIDGET_LAYOUT_EVENT_TYPE, "", exchangeWidgetLayout(layout));
  return "added";
}

/**
 * Adds the widget to every listed room this replica can claim. Failures are logged and the room
 * stays listed; never throws for one room's sake.
 */
export async function addWidgetToExistingRooms(
  ctx: WidgetBackfillContext,
): Promise<WidgetBackfillResult> {
  const result: WidgetBackfillResult = { added: 0, present: 0, failed: 0 };
  let after = "";
  for (;;) {
    const rooms = await ctx.store.roomsAwaitingWidget(after, BATCH);
    if (rooms.length === 0) return result;
    for (const roomId of rooms) {
      after = roomId;
      if (!(await ctx.store.claimWidgetRoom(roomId, ctx.now(), WIDGET_CLAIM_STALE_MS))) continue;
      try {
        const outcome = await addToRoom(ctx, roomId);
        await ctx.store.markWidgetAdded(roomId, ctx.now());
        result[outcome]++;
        ctx.logger.info({ roomId, outcome }, "partner room has the Xstream widget");
      } catch (error) {
        result.failed++;
        ctx.logger.warn({ err: error, roomId }, "adding the widget to a partner room failed");
        await ctx.store.releaseWidgetRoom(roomId).catch(() => {
          // The claim goes stale and a later start takes the room again.
        });
      }
    }
  }
}
