// The bridge's own PostgreSQL database, for tests that check what was (or was not) written.
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";

/** Connects before the file's tests and disconnects after them. */
export function useBridgeDatabase(): () => pg.Client {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject("stack").databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  return () => {
    if (!client) throw new Error("the database connection is not open yet");
    return client;
  };
}
