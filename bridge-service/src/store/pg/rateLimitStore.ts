import type pg from "pg";
import type { RateLimitStore } from "../rateLimitStore.js";

interface WindowRow {
  hits: number;
  window_ends_at: Date;
}

export function createPgRateLimitStore(pool: pg.Pool): RateLimitStore {
  return {
    async hit(bucket, windowMs, now) {
      // One statement, so concurrent hits on one bucket serialize on its row.
      const { rows } = await pool.query<WindowRow>(
        `INSERT INTO rate_limit_windows AS w (bucket, window_ends_at, hits) VALUES ($1, $3, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN w.window_ends_at <= $2 THEN 1 ELSE w.hits + 1 END,
           window_ends_at = CASE WHEN w.window_ends_at <= $2 THEN $3 ELSE w.window_ends_at END
         RETURNING hits, window_ends_at`,
        [bucket, now, new Date(now.getTime() + windowMs)],
      );
      const row = rows[0];
      if (!row) throw new Error("rate limit upsert returned no row");
      return { hits: row.hits, endsAt: row.window_ends_at };
    },

    async peek(bucket, now) {
      const { rows } = await pool.query<WindowRow>(
        "SELECT hits, window_ends_at FROM rate_limit_windows WHERE bucket = $1 AND window_ends_at > $2",
        [bucket, now],
      );
      const row = rows[0];
      return row && { hits: row.hits, endsAt: row.window_ends_at };
    },

    async prune(now) {
      const result = await pool.query("DELETE FROM rate_limit_windows WHERE window_ends_at <= $1", [
        now,
      ]);
      return result.rowCount ?? 0;
    },
  };
}
