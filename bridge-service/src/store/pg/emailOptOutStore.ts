import type pg from "pg";
import type { EmailOptOutStore } from "../../domain/emailPreferences.js";

export function createPgEmailOptOutStore(pool: pg.Pool): EmailOptOutStore {
  return {
    async isOptedOut(userId, kind) {
      const { rowCount } = await pool.query(
        "SELECT 1 FROM email_opt_outs WHERE user_id = $1 AND kind = $2",
        [userId, kind],
      );
      return (rowCount ?? 0) > 0;
    },
    async setOptedOut(userId, kind, optedOut, at) {
      if (optedOut) {
        await pool.query(
          `INSERT INTO email_opt_outs (user_id, kind, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id, kind) DO NOTHING`,
          [userId, kind, at],
        );
      } else {
        await pool.query("DELETE FROM email_opt_outs WHERE user_id = $1 AND kind = $2", [
          userId,
          kind,
        ]);
      }
    },
  };
}
