import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "../logger.js";
import type { BridgeMetrics } from "./bridgeMetrics.js";

export interface EventLoopGuardOptions {
  metrics: BridgeMetrics;
  logger: Logger;
  /** A window whose worst delay is longer than this is logged as a stall. */
  stallMs?: number;
  windowMs?: number;
}

/** How often Node samples the loop; its histogram includes this, which is subtracted. */
const RESOLUTION_MS = 10;

/**
 * Watches the bridge's own event loop (perf_hooks.monitorEventLoopDelay): every window's worst
 * delay goes to the metrics, and a stall (one task holding the loop, e.g. a slow parse) is
 * logged, so a regression shows up in the logs and on /metrics rather than as timeouts.
 * @returns a function that stops watching.
 */
export function startEventLoopGuard({
  metrics,
  logger,
  stallMs = 100,
  windowMs = 1_000,
}: EventLoopGuardOptions): () => void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let worstMs = 0;
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    // Nanoseconds; a timer that fired on time reads as the resolution.
    const delayMs = Math.max(0, histogram.max / 1e6 - RESOLUTION_MS);
    histogram.reset();
    metrics.eventLoopDelay.observe(delayMs / 1_000);
    if (delayMs > worstMs) {
      worstMs = delayMs;
      metrics.eventLoopDelayMax.set(delayMs / 1_000);
    }
    if (delayMs > stallMs) {
      metrics.eventLoopStalls.inc();
      // CPU time used in the window tells a busy bridge (close to the window) from a busy
      // machine that did not schedule it (far less).
      const cpuMs = Math.round((used.user + used.system) / 1_000);
      logger.warn({ delayMs: Math.round(delayMs), windowMs, cpuMs }, "event loop was blocked");
    }
  }, windowMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}
