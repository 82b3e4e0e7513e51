import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import { type AppserviceTransaction, isStateEvent } from "../matrix/events.js";
import type { TransactionOutcome, TransactionStore } from "../store/transactionStore.js";
import { latestActivityBySender, latestPresenceByUser } from "./activity.js";

export interface TransactionReceiverDeps {
  store: TransactionStore;
  events: AppserviceEvents;
  logger: Logger;
  now?: () => Date;
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
    const outcome = await store.runOnce(txnId, transaction.events.length, async (effects) => {
      await effects.recordUserActivity(activity);
      await effects.recordPresence(presence);
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
    for (const event of transaction.events) events.emit("event", event);
    for (const event of transaction.ephemeral) events.emit("ephemeral", event);
    return outcome;
  };
}
