import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type pg from "pg";
import type { Logger } from "../../logger.js";

/**
 * `bridge-service/migrations`, found from this module's location (src/store or dist/store) so
 * it works from any working directory and in an image holding dist/ and migrations/.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../migrations/", import.meta.url));

/** Applies pending migrations; returns the names of those applied. */
export async function runMigrations(pool: pg.Pool, logger: Logger): Promise<string[]> {
  const log = logger.child({ component: "migrations" });
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: "pgmigrations",
      direction: "up",
      count: Number.POSITIVE_INFINITY,
      checkOrder: true,
      singleTransaction: true,
      // Several bridge replicas may start at once; the others wait instead of failing.
      advisoryLockMode: "wait",
      logger: {
        debug: (msg) => log.debug(msg),
        info: (msg) => log.debug(msg),
        warn: (msg) => log.warn(msg),
        error: (msg) => log.error(msg),
      },
    });
    return applied.map((migration) => migration.name);
  } finally {
    client.release();
  }
}
