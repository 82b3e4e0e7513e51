import pg from "pg";
import type { Logger } from "../../logger.js";

export function createPool(databaseUrl: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 20,
    // Fail fast so /healthz answers 503 instead of hanging when PostgreSQL is down.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "xstream-bridge",
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would
  // crash the process. The pool replaces the client on next use.
  pool.on("error", (error) => logger.warn({ err: error }, "idle database connection failed"));
  return pool;
}

/** Resolves when the database answers a trivial query; rejects otherwise. */
export async function checkDatabase(pool: pg.Pool): Promise<void> {
  await pool.query("SELECT 1");
}

/**
 * Runs `work` in one database transaction: commits if it resolves, rolls back if it throws.
 * A failing COMMIT rejects too, so callers can undo side effects made outside the database.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // While checked out, a client has no pool listener: a connection dropped while `work` awaits
  // something else (e.g. Synapse) would otherwise be an unhandled 'error' event and end the
  // process. The next query on the client fails anyway; the client is discarded below.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/** Waits for PostgreSQL to accept queries, e.g. while a container starts next to us. */
export async function waitForDatabase(
  pool: pg.Pool,
  logger: Logger,
  { attempts = 30, delayMs = 1_000 } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await checkDatabase(pool);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      logger.warn({ err: error, attempt, attempts }, "database not reachable yet, retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
