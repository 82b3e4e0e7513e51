import type pg from "pg";
import type { PrunableTable, PruningStore } from "../pruningStore.js";

/**
 * One batch per table: the rows to delete are picked by key (oldest first, SKIP LOCKED so a row
 * in use is left for the next round instead of waited for) and deleted in the same statement,
 * so each batch holds its row locks for one short statement.
 */
const BATCH_DELETES: Record<PrunableTable, string> = {
  // Never the newest transaction: Synapse sends one transaction at a time and retries the oldest
  // unacknowledged one before any later one, so only the newest can still come again.
  appservice_transactions: `
    DELETE FROM appservice_transactions WHERE txn_id IN (
      SELECT txn_id FROM appservice_transactions t
       WHERE received_at < $1
         AND EXISTS (SELECT 1 FROM appservice_transactions newer
                      WHERE newer.received_at > t.received_at)
       ORDER BY received_at LIMIT $2
       FOR UPDATE SKIP LOCKED)`,
  // Never for a command still in the inbox: it will be handled again and needs its answer.
  bot_replies: `
    DELETE FROM bot_replies WHERE event_id IN (
      SELECT event_id FROM bot_replies r
       WHERE created_at < $1
         AND NOT EXISTS (SELECT 1 FROM appservice_inbox i WHERE i.event_id = r.event_id)
       ORDER BY created_at LIMIT $2
       FOR UPDATE SKIP LOCKED)`,
  bot_command_runs: `
    DELETE FROM bot_command_runs WHERE event_id IN (
      SELECT event_id FROM bot_command_runs r
       WHERE started_at < $1
         AND NOT EXISTS (SELECT 1 FROM appservice_inbox i WHERE i.event_id = r.event_id)
       ORDER BY started_at LIMIT $2
       FOR UPDATE SKIP LOCKED)`,
  // Settled long ago, or never sent because email was off.
  partner_mails: `
    DELETE FROM partner_mails WHERE id IN (
      SELECT id FROM partner_mails
       WHERE created_at < $1
       ORDER BY created_at LIMIT $2
       FOR UPDATE SKIP LOCKED)`,
};

export function createPgPruningStore(pool: pg.Pool): PruningStore {
  return {
    async takeTurn(job, now, intervalMs) {
      // Either the first turn ever (the insert) or a due one (the update); a replica that comes
      // second waits for the first's row lock, then sees the moved time and gets nothing.
      const { rowCount } = await pool.query(
        `INSERT INTO maintenance_turns (job, next_run_at)
         VALUES ($1, $2::timestamptz + make_interval(secs => $3 / 1000.0))
         ON CONFLICT (job) DO UPDATE SET next_run_at = EXCLUDED.next_run_at
           WHERE maintenance_turns.next_run_at <= $2`,
        [job, now, intervalMs],
      );
      return (rowCount ?? 0) > 0;
    },
    async pruneBatch(table, before, limit) {
      const result = await pool.query(BATCH_DELETES[table], [before, limit]);
      return result.rowCount ?? 0;
    },
  };
}
