/** Tables of handled ids and settled work that the bridge forgets once they can no longer matter. */
export type PrunableTable =
  /** Appservice transaction ids applied (store/pg/transactionStore.ts). */
  | "appservice_transactions"
  /** The bot's saved answers (bot_replies) and the commands it started (bot_command_runs). */
  | "bot_replies"
  | "bot_command_runs"
  /** The partner-mail outbox (store/pg/partnerMailStore.ts). */
  | "partner_mails";

export interface PruningStore {
  /**
   * Takes `job`'s turn if it is due at `now`, and makes the next one due `intervalMs` later:
   * of replicas asking at once, one gets true.
   */
  takeTurn(job: string, now: Date, intervalMs: number): Promise<boolean>;
  /**
   * Deletes at most `limit` rows of `table` older than `before`, in one short statement that
   * skips rows another transaction holds. Each table keeps what a replay could still need (the
   * newest transaction id; a command still in the bot's inbox). Returns how many went.
   */
  pruneBatch(table: PrunableTable, before: Date, limit: number): Promise<number>;
}
