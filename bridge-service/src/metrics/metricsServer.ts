import { createServer, type Server } from "node:http";
import type { BridgeMetrics } from "./bridgeMetrics.js";

/**
 * The metrics listener: `GET /metrics` in Prometheus' text format and nothing else. It is a
 * separate server on its own (by default loopback) address, so the public edge, which only
 * proxies to the main port, can never expose it.
 */
export function createMetricsServer(metrics: BridgeMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ errcode: "M_NOT_FOUND", error: "Only GET /metrics is served here" }),
      );
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: "Metrics could not be collected" }));
      },
    );
  });
}
