import pg from "pg";
import { createLogger } from "../logger.js";
import { runMigrations } from "../store/pg/migrations.js";

/**
 * The scratch database of the e2e harness's real PostgreSQL (e2e/global-setup.ts creates it,
 * e2e/setup-env.ts passes its URL). `*.pg.test.ts` files run in the e2e project for that reason;
 * elsewhere this throws, so no test passes unrun.
 */
export function testDatabaseUrl(): string {
  const url = process.env.BRIDGE_TEST_DATABASE_URL;
  if (!url) throw new Error("BRIDGE_TEST_DATABASE_URL is not set; run it through npm test");
  return url;
}

/** A pool on the scratch database, migrated to the current schema. */
export async function openMigratedTestPool(options: { max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), ...options });
  await runMigrations(pool, createLogger("silent"));
  return pool;
}
