import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The bridge's Prometheus instruments, in a registry of their own (prom-client's global one
 * would be shared by every test in a process). Served on the metrics listener, never on the
 * public origin.
 */
export interface BridgeMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<"method" | "route" | "status">;
  appserviceTransactions: Counter<"outcome">;
  appserviceEvents: Counter;
  /** From an event's `origin_server_ts` to the bridge receiving it. */
  appserviceEventLag: Histogram;
  appserviceTransactionDuration: Histogram;
  /** Time the bot spends reading one message (HTML to text and command parsing). */
  botMessageRead: Histogram;
  /** Worst event-loop delay of each one-second window. */
  eventLoopDelay: Histogram;
  eventLoopDelayMax: Gauge;
  eventLoopStalls: Counter;
  /** Partner-directory entries the trust rule refused, by reason. */
  directoryEntriesIgnored: Counter<"reason">;
  /** Partners' `m.policy.rule.user` rules the trust rule refused, by reason. */
  policyRulesIgnored: Counter<"reason">;
  /** Request events between organisations the trust rule refused, by reason. */
  partnerRequestsIgnored: Counter<"reason">;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createBridgeMetrics(): BridgeMetrics {
  const registry = new Registry();
  // Process and Node.js metrics (CPU, memory, GC, handles; prom-client's own event-loop gauges,
  // which reset at each scrape).
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "xstream_http_request_duration_seconds",
      help: "Time to answer HTTP requests, by method, route pattern and status code.",
      labelNames: ["method", "route", "status"],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    appserviceTransactions: new Counter({
      name: "xstream_appservice_transactions_total",
      help: "Appservice transactions from the homeserver, applied or already seen (retries).",
      labelNames: ["outcome"],
      registers,
    }),
    appserviceEvents: new Counter({
      name: "xstream_appservice_events_total",
      help: "Timeline events in applied appservice transactions.",
      registers,
    }),
    appserviceEventLag: new Histogram({
      name: "xstream_appservice_event_lag_seconds",
      help: "From an event's origin_server_ts to the bridge receiving it in a transaction.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    appserviceTransactionDuration: new Histogram({
      name: "xstream_appservice_transaction_duration_seconds",
      help: "Time to apply an appservice transaction before acknowledging it.",
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    botMessageRead: new Histogram({
      name: "xstream_bot_message_read_seconds",
      help: "Time the bot takes to read one message (HTML to text, command parsing), synchronously.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    eventLoopDelay: new Histogram({
      name: "xstream_event_loop_delay_seconds",
      help: "The worst event-loop delay of each one-second window (time a timer fired late).",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    eventLoopDelayMax: new Gauge({
      name: "xstream_event_loop_delay_max_seconds",
      help: "The worst event-loop delay since the bridge started.",
      registers,
    }),
    eventLoopStalls: new Counter({
      name: "xstream_event_loop_stalls_total",
      help: "One-second windows in which the event loop was blocked longer than the guard allows.",
      registers,
    }),
    directoryEntriesIgnored: new Counter({
      name: "xstream_directory_entries_ignored_total",
      help: "Partner-directory entries the trust rule refused (forged, unpaired, malformed…), by reason.",
      labelNames: ["reason"],
      registers,
    }),
    policyRulesIgnored: new Counter({
      name: "xstream_policy_rules_ignored_total",
      help: "Partners' m.policy.rule.user rules the trust rule refused (forged, other server, malformed…), by reason.",
      labelNames: ["reason"],
      registers,
    }),
    partnerRequestsIgnored: new Counter({
      name: "xstream_partner_requests_ignored_total",
      help: "Request events between organisations the trust rule refused (forged, unpaired, malformed…), by reason.",
      labelNames: ["reason"],
      registers,
    }),
  };
}
