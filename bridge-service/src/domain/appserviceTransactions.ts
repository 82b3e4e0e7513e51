import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import { type AppserviceTransaction, type ClientEvent, isStateEvent } from "../matrix/events.js";
import type { TransactionOutcome, TransactionStore } from "../store/transactionStore.js";
import { latestActivityBySender, latestPresenceByUser } from "./activity.js";

export interface TransactionReceiverDeps {
  store: TransactionStore;
  events: AppserviceEvents;
  logger: Logger;
  now?: () => Date;
  /**
   * Events a listener must act on even if we crash first (the bot's commands and invites): they
   * are stored with the transaction and forgotten only once every listener is done with them.
   */
  mustHandle?: (event: ClientEvent) => boolean;
}

export type InboxDeps = Pick<TransactionReceiverDeps, "store" | "events" | "logger">;

/**
 * The kept events (the bot's commands and invites) on their way to the listeners. Several bridge
 * replicas share one inbox in the database: a room's events are handled by one replica at a time
 * (the store holds the room while it drains it), oldest first, each forgotten once its listeners
 * are done, so a room's commands are answered in order and none twice. A replica that dies while
 * holding a room lets go of it with its database connection; the next sweep, on any replica,
 * takes over what it left.
 */
export interface Inbox {
  /** Handles the room's kept events, unless another replica is at it (which then takes them). */
  drain(roomId: string): Promise<number>;
  /** Drains every room with kept events; resolves with how many events this call handled. */
  sweep(): Promise<number>;
}

export function createInbox({ store, events, logger }: InboxDeps): Inbox {
  // Rooms this process is draining; a call for one of them asks that drain to look again.
  const running = new Map<string, { again: boolean; done: Promise<number> }>();

  async function drainLoop(roomId: string, entry: { again: boolean }): Promise<number> {
    let handled = 0;
    for (;;) {
      entry.again = false;
      const held = await store.drainRoom(roomId, async (event) => {
        await events.emit("event", event);
        handled++;
      });
      // Another replica holds the room: it looks again after letting go, so it also takes what
      // was kept here meanwhile.
      if (!held) return handled;
      // Events kept after the last look but before the room was let go would otherwise wait for
      // the next sweep.
      if (!entry.again && !(await store.roomsWithUnhandled()).includes(roomId)) return handled;
    }
  }

  function drain(roomId: string): Promise<number> {
    const current = running.get(roomId);
    if (current) {
      current.again = true;
      return current.done.then(() => 0);
    }
    const entry = { again: false, done: Promise.resolve(0) };
    entry.done = drainLoop(roomId, entry)
      .catch((error: unknown) => {
        // The events stay in the inbox; the next sweep tries again.
        logger.warn({ err: error, roomId }, "could not hand kept events to the bot");
        return 0;
      })
      .finally(() => running.delete(roomId));
    running.set(roomId, entry);
    return entry.done;
  }

  return {
    drain,
    async sweep() {
      const rooms = await store.roomsWithUnhandled();
      const handled = await Promise.all(rooms.map(drain));
      return handled.reduce((sum, count) => sum + count, 0);
    },
  };
}

export type ReceiveTransaction = (
  txnId: string,
  transaction: AppserviceTransaction,
) => Promise<TransactionOutcome>;

/**
 * Applies a homeserver transaction exactly once: its database effects commit together with its
 * id, and only then are its events published to in-process listeners (the bot), the kept ones
 * through the inbox. A retried transaction is acknowledged without doing anything again, whichever
 * replica got it first. If storing fails this rejects, the homeserver gets an error and retries
 * later.
 */
export function createTransactionReceiver({
  store,
  events,
  logger,
  now = () => new Date(),
  mustHandle = () => false,
}: TransactionReceiverDeps): ReceiveTransaction {
  const inbox = createInbox({ store, events, logger });
  return async (txnId, transaction) => {
    const receivedAt = now();
    const activity = latestActivityBySender(
      transaction.events.map((event) => ({
        sender: event.sender,
        eventId: event.event_id,
        sentAtMs: event.origin_server_ts,
        isStateChange: isStateEvent(event),
      })),
      receivedAt,
    );
    const presence = latestPresenceByUser(transaction.ephemeral, receivedAt);
    const kept = new Set(transaction.events.filter(mustHandle).map((event) => event.event_id));
    const outcome = await store.runOnce(txnId, transaction.events.length, async (effects) => {
      await effects.recordUserActivity(activity);
      await effects.recordPresence(presence);
      await effects.keepUntilHandled(transaction.events.filter((e) => kept.has(e.event_id)));
    });
    logger.debug(
      {
        txnId,
        outcome,
        events: transaction.events.length,
        ephemeral: transaction.ephemeral.length,
      },
      "appservice transaction",
    );
    if (outcome === "duplicate") return outcome;
    const keptRooms = new Set<string>();
    for (const event of transaction.events) {
      if (kept.has(event.event_id)) keptRooms.add(event.room_id);
      else void events.emit("event", event);
    }
    for (const roomId of keptRooms) void inbox.drain(roomId);
    for (const event of transaction.ephemeral) void events.emit("ephemeral", event);
    return outcome;
  };
}
