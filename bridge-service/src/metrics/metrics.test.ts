import type { AddressInfo } from "node:net";
import express from "express";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { createBridgeMetrics } from "./bridgeMetrics.js";
import { startEventLoopGuard } from "./eventLoopGuard.js";
import { measuredTransactions, requestDurations } from "./httpMetrics.js";
import { createMetricsServer } from "./metricsServer.js";

/** The value of one sample line of the Prometheus text, e.g. `name{a="b"}`. */
async function sample(metrics: ReturnType<typeof createBridgeMetrics>, series: string) {
  const text = await metrics.registry.metrics();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("bridge metrics", () => {
  it("times requests by route pattern, never by raw URL", async () => {
    const metrics = createBridgeMetrics();
    const app = express();
    app.use(requestDurations(metrics));
    const router = express.Router();
    router.get("/things/:id", (_req, res) => {
      res.json({});
    });
    app.use("/api", router);
    await request(app).get("/api/things/42").expect(200);
    await request(app).get("/api/things/43").expect(200);
    await request(app).get("/nowhere/made-up-path").expect(404);
    expect(
      await sample(
        metrics,
        'xstream_http_request_duration_seconds_count{method="GET",route="/api/things/:id",status="200"}',
      ),
    ).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain("made-up-path");
  });

  it("counts transactions, their events and how late the events arrived", async () => {
    const metrics = createBridgeMetrics();
    const outcomes = ["applied", "duplicate"] as const;
    let call = 0;
    const receive = measuredTransactions(
      async () => outcomes[call++] ?? "applied",
      metrics,
      () => 10_000,
    );
    const event = (ts: number) => ({
      type: "m.room.message",
      room_id: "!r:hs",
      sender: "@a:hs",
      event_id: `$${ts}`,
      content: {},
      origin_server_ts: ts,
    });
    const transaction = { events: [event(9_000), event(12_000)], ephemeral: [] };
    await receive("t1", transaction);
    await receive("t1", transaction);
    expect(await sample(metrics, 'xstream_appservice_transactions_total{outcome="applied"}')).toBe(
      1,
    );
    expect(
      await sample(metrics, 'xstream_appservice_transactions_total{outcome="duplicate"}'),
    ).toBe(1);
    expect(await sample(metrics, "xstream_appservice_events_total")).toBe(2);
    // One second late, and one from a clock ahead of ours counted as on time.
    expect(await sample(metrics, "xstream_appservice_event_lag_seconds_sum")).toBe(1);
  });

  it("serves /metrics on its own listener and nothing else there", async () => {
    const metrics = createBridgeMetrics();
    const server = createMetricsServer(metrics);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answer = await fetch(`${base}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await answer.text();
    expect(text).toContain("# TYPE xstream_event_loop_delay_seconds histogram");
    expect(text).toContain("process_cpu_user_seconds_total");
    const other = await fetch(`${base}/healthz`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ errcode: "M_NOT_FOUND" });
  });

  it("notices and logs a blocked event loop", async () => {
    const metrics = createBridgeMetrics();
    const { logger, records } = createCapturedLogger();
    cleanups.push(startEventLoopGuard({ metrics, logger, stallMs: 100, windowMs: 100 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 250;
    while (Date.now() < until) {
      // Hold the loop, as a slow parse would.
    }
    await expect
      .poll(async () => sample(metrics, "xstream_event_loop_stalls_total"), { interval: 20 })
      .toBeGreaterThanOrEqual(1);
    expect(await sample(metrics, "xstream_event_loop_delay_max_seconds")).toBeGreaterThanOrEqual(
      0.2,
    );
    expect(records().some((record) => record.msg === "event loop was blocked")).toBe(true);
  });
});
