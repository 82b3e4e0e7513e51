// Forgetting handled ids and settled work once no replay can need them, so those tables stop
// growing with every message. One replica a turn (PruningStore.takeTurn), in short batches.
import type { Logger } from "../logger.js";
import type { PrunableTable, PruningStore } from "../store/pruningStore.js";
import { DAY_MS } from "./authContext.js";
import { repeatEvery } from "./repeatEvery.js";

/**
 * How long each table keeps a row, and why that is long enough.
 *
 * appservice_transactions: a transaction id comes again only when Synapse did not get our answer
 * to it. Synapse keeps an unanswered transaction and retries it for as long as it takes (its
 * appservice scheduler backs off to 2^9 s ≈ 8.5 min between tries and never gives up), but it
 * has one transaction in flight per appservice and retries the oldest first, so once a later
 * transaction has arrived the earlier ones were acknowledged. The store never deletes the newest
 * id (it is the only one that can still come back, even after the whole bridge was down for
 * days); the day is a margin on top.
 *
 * bot_replies, bot_command_runs: a command is handled again when its transaction is replayed
 * (above) or when it is still in the bot's inbox (swept every few seconds); the store never
 * deletes rows of a command still in the inbox, and a day covers a replay.
 *
 * partner_mails: every mail is settled within about ten hours (domain/partnerMailOutbox.ts gives
 * up after its last retry); a week keeps the outcome for whoever asks why a mail did not come,
 * and clears rows that were never sent because email is off.
 */
export const RETENTION_MS: Record<PrunableTable, number> = {
  appservice_transactions: DAY_MS,
  bot_replies: DAY_MS,
  bot_command_runs: DAY_MS,
  partner_mails: 7 * DAY_MS,
};

export const PRUNE_JOB = "prune-handled-ids";

export interface PruneOptions {
  now: Date;
  /** Rows one statement deletes at most: a batch holds its locks for milliseconds. */
  batchSize?: number;
  /** Batches per table per turn, so a huge backlog is worked off over several turns. */
  maxBatches?: number;
  /** Pause between batches, so other queries get the table (and the pool) in between. */
  pauseMs?: number;
}

/** Deletes what each table no longer needs; resolves with how many rows went per table. */
export async function pruneHandledIds(
  store: PruningStore,
  { now, batchSize = 1_000, maxBatches = 100, pauseMs = 20 }: PruneOptions,
): Promise<Record<PrunableTable, number>> {
  const pruned = {} as Record<PrunableTable, number>;
  for (const [table, keepMs] of Object.entries(RETENTION_MS) as [PrunableTable, number][]) {
    const before = new Date(now.getTime() - keepMs);
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const deleted = await store.pruneBatch(table, before, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    pruned[table] = total;
  }
  return pruned;
}

/**
 * Every `intervalMs`, the replica that takes the turn prunes; the others skip it.
 * @returns a function that stops the timer.
 */
export function startPruningHandledIds(
  store: PruningStore,
  logger: Logger,
  { intervalMs = 10 * 60_000, now = () => new Date() } = {},
): () => void {
  return repeatEvery(
    intervalMs,
    async () => {
      // A little under the interval: this replica's own next tick must find the turn due.
      if (!(await store.takeTurn(PRUNE_JOB, now(), Math.max(intervalMs - 1_000, intervalMs / 2)))) {
        return;
      }
      const pruned = await pruneHandledIds(store, { now: now() });
      logger.info({ pruned }, "pruned handled ids");
    },
    (error) => logger.warn({ err: error }, "pruning handled ids failed; retrying next turn"),
  );
}
