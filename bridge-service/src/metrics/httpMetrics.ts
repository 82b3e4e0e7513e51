import type { RequestHandler } from "express";
import type { ReceiveTransaction } from "../domain/appserviceTransactions.js";
import type { BridgeMetrics } from "./bridgeMetrics.js";

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Times every request. The route label is the matched pattern (`/api/partners/:id`), never the
 * URL, so clients cannot make up new series; unmatched requests share one label.
 */
export function requestDurations(metrics: BridgeMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once("finish", () => {
      const pattern = req.route?.path;
      const route = typeof pattern === "string" ? `${req.baseUrl}${pattern}` : "unmatched";
      end({
        method: KNOWN_METHODS.has(req.method) ? req.method : "other",
        route,
        status: String(res.statusCode),
      });
    });
    next();
  };
}

/** Counts and times appservice transactions, and how late their events arrive. */
export function measuredTransactions(
  receive: ReceiveTransaction,
  metrics: BridgeMetrics,
  now: () => number = Date.now,
): ReceiveTransaction {
  return async (txnId, transaction) => {
    const receivedAt = now();
    const end = metrics.appserviceTransactionDuration.startTimer();
    const outcome = await receive(txnId, transaction);
    end();
    metrics.appserviceTransactions.inc({ outcome });
    if (outcome === "applied") {
      metrics.appserviceEvents.inc(transaction.events.length);
      for (const event of transaction.events) {
        if (typeof event.origin_server_ts !== "number") continue;
        // Another server's clock may run ahead: a negative lag counts as none.
        metrics.appserviceEventLag.observe(
          Math.max(0, receivedAt - event.origin_server_ts) / 1_000,
        );
      }
    }
    return outcome;
  };
}
