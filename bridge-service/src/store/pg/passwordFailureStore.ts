import type pg from "pg";
import type { PasswordFailureStore } from "../passwordFailureStore.js";

interface FailureRow {
  bucket: string;
  failures: number;
  last_failure_at: Date;
}

export function createPgPasswordFailureStore(pool: pg.Pool): PasswordFailureStore {
  return {
    async update(buckets, change) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // Rows may not exist yet, so lock the names rather than rows; sorted, so two updates of
        // overlapping buckets cannot deadlock.
        for (const bucket of [...new Set(buckets)].sort()) {
          await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7301))", [bucket]);
        }
        const { rows } = await client.query<FailureRow>(
          "SELECT bucket, failures, last_failure_at FROM password_failures WHERE bucket = ANY($1)",
          [buckets],
        );
        const current = new Map(
          rows.map((row) => [
            row.bucket,
            { failures: row.failures, lastFailureAt: row.last_failure_at },
          ]),
        );
        const { changes, result } = change(current);
        for (const [bucket, count] of changes) {
          if (count === undefined) {
            await client.query("DELETE FROM password_failures WHERE bucket = $1", [bucket]);
          } else {
            await client.query(
              `INSERT INTO password_failures (bucket, failures, last_failure_at) VALUES ($1, $2, $3)
               ON CONFLICT (bucket) DO UPDATE SET failures = $2, last_failure_at = $3`,
              [bucket, count.failures, count.lastFailureAt],
            );
          }
        }
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async isKnownAddress(account, address, since) {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM password_known_addresses
         WHERE account = $1 AND address = $2 AND last_success_at >= $3`,
        [account, address, since],
      );
      return (rowCount ?? 0) > 0;
    },

    async rememberAddress(account, address, now) {
      await pool.query(
        `INSERT INTO password_known_addresses (account, address, last_success_at) VALUES ($1, $2, $3)
         ON CONFLICT (account, address) DO UPDATE SET last_success_at = $3`,
        [account, address, now],
      );
    },

    async prune(failuresBefore, knownBefore) {
      const failures = await pool.query(
        "DELETE FROM password_failures WHERE last_failure_at < $1",
        [failuresBefore],
      );
      const known = await pool.query(
        "DELETE FROM password_known_addresses WHERE last_success_at < $1",
        [knownBefore],
      );
      return (failures.rowCount ?? 0) + (known.rowCount ?? 0);
    },
  };
}
