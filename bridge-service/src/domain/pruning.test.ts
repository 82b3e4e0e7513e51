import { describe, expect, it, vi } from "vitest";
import type { PrunableTable, PruningStore } from "../store/pruningStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { PRUNE_JOB, pruneHandledIds, RETENTION_MS, startPruningHandledIds } from "./pruning.js";

/** Turns as the table gives them: one per interval, whoever asks first. */
function fakeStore(rows: Partial<Record<PrunableTable, number>> = {}) {
  let nextRunAt = 0;
  const batches: { table: PrunableTable; before: Date; limit: number }[] = [];
  const left = { ...rows };
  const store: PruningStore = {
    async takeTurn(job, now, intervalMs) {
      expect(job).toBe(PRUNE_JOB);
      if (now.getTime() < nextRunAt) return false;
      nextRunAt = now.getTime() + intervalMs;
      return true;
    },
    async pruneBatch(table, before, limit) {
      batches.push({ table, before, limit });
      const deleted = Math.min(left[table] ?? 0, limit);
      left[table] = (left[table] ?? 0) - deleted;
      return deleted;
    },
  };
  return { store, batches, left };
}

describe("pruning handled ids", () => {
  it("deletes each table's rows past its retention, batch after batch until one comes short", async () => {
    const { store, batches, left } = fakeStore({ bot_replies: 25, appservice_transactions: 3 });
    const now = new Date("2026-06-01T12:00:00Z");
    const pruned = await pruneHandledIds(store, { now, batchSize: 10, pauseMs: 0 });
    expect(pruned).toEqual({
      appservice_transactions: 3,
      bot_replies: 25,
      bot_command_runs: 0,
      partner_mails: 0,
    });
    expect(left.bot_replies).toBe(0);
    expect(batches.filter((b) => b.table === "bot_replies")).toHaveLength(3);
    for (const batch of batches) {
      expect(batch.before.getTime()).toBe(now.getTime() - RETENTION_MS[batch.table]);
    }
  });

  it("stops a table after maxBatches, leaving the rest for the next turn", async () => {
    const { store, left } = fakeStore({ partner_mails: 1_000 });
    const pruned = await pruneHandledIds(store, {
      now: new Date(),
      batchSize: 10,
      maxBatches: 3,
      pauseMs: 0,
    });
    expect(pruned.partner_mails).toBe(30);
    expect(left.partner_mails).toBe(970);
  });

  it("prunes on one of two replicas' timers per turn, and survives a failing database", async () => {
    const { store, batches } = fakeStore();
    const { logger, lines } = createCapturedLogger();
    const stops = [
      startPruningHandledIds(store, logger, { intervalMs: 60_000 }),
      startPruningHandledIds(store, logger, { intervalMs: 60_000 }),
    ];
    try {
      await vi.waitFor(() => expect(lines.join("")).toContain("pruned handled ids"));
      // One replica took the turn: each table was pruned once, not twice.
      expect(batches).toHaveLength(Object.keys(RETENTION_MS).length);
    } finally {
      for (const stop of stops) stop();
    }

    const failing: PruningStore = {
      takeTurn: async () => true,
      pruneBatch: async () => {
        throw new Error("connection terminated");
      },
    };
    const stop = startPruningHandledIds(failing, logger, { intervalMs: 60_000 });
    try {
      await vi.waitFor(() => expect(lines.join("")).toContain("pruning handled ids failed"));
    } finally {
      stop();
    }
  });
});
