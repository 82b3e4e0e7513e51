import type pg from "pg";
import type { LoginTokenStore } from "../loginTokenStore.js";

export function createPgLoginTokenStore(pool: pg.Pool): LoginTokenStore {
  return {
    async markUsed(jti, expiresAt, now) {
      const result = await pool.query(
        `INSERT INTO synapse_login_tokens (jti, expires_at, used_at) VALUES ($1, $2, $3)
         ON CONFLICT (jti) DO NOTHING`,
        [jti, expiresAt, now],
      );
      return result.rowCount === 1;
    },

    async prune(now) {
      const result = await pool.query("DELETE FROM synapse_login_tokens WHERE expires_at < $1", [
        now,
      ]);
      return result.rowCount ?? 0;
    },
  };
}
