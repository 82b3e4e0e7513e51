import type pg from "pg";

/** Remembers which Synapse login tokens (by `jti`) were already used, until they expire. */
export interface LoginTokenStore {
  /**
   * Records `jti` as used. Resolves true the first time, false if it was already recorded
   * (also when two uses race: the primary key lets exactly one insert win).
   */
  markUsed(jti: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Forgets tokens that expired; they can no longer be presented anyway. */
  prune(now: Date): Promise<number>;
}

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
