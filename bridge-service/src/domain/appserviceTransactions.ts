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

/** Publishes one event and, if it was kept in the inbox, forgets it once listeners are done. */
function publish(
  { store, events, logger }: Pick<TransactionReceiverDeps, "store" | "events" | "logger">,
  event: ClientEvent,
  kept: boolean,
): void {
  const handled = events.emit("event", event);
  if (!kept) return;
  void handled
    .then(() => store.markHandled([event.event_id]))
    .catch((error: unknown) =>
      // It stays in the inbox and is handled again at the next start; replies are idempotent.
      logger.warn({ err: error, eventId: event.event_id }, "could not mark an event handled"),
    );
}

export type ReceiveTransaction = (
  txnId: string,
  transaction: AppserviceTransaction,
) => Promise<TransactionOutcome>;

/**
 * Applies a homeserver transaction exactly once: its database effects commit together with its
 * id, and only then are its events published to in-process listeners (the bot). A retried
 * transaction is acknowledged without doing anything again. If storing fails this rejects, the
 * homeserver gets an error and retries later.
 */
export function createTransactionReceiver({
  store,
  events,
  logger,
  now = () => new Date(),
  mustHandle = () => false,
}: TransactionReceiverDeps): ReceiveTransaction {
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
    for (const event of transaction.events) {
      publish({ store, events, logger }, event, kept.has(event.event_id));
    }
    for (const event of transaction.ephemeral) void events.emit("ephemeral", event);
    return outcome;
  };
}

/**
 * Publishes, oldest first, the events an earlier run stored but did not finish handling (it
 * crashed or was killed). Call once at start-up, after the listeners are attached.
 * @returns how many there were.
 */
export async function redeliverUnhandled(
  deps: Pick<TransactionReceiverDeps, "store" | "events" | "logger">,
): Promise<number> {
  const pending = await deps.store.unhandled();
  for (const event of pending) publish(deps, event, true);
  return pending.length;
}
