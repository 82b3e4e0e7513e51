// A new Synapse database gets its schema, and the background updates that schema queues, from
// Synapse's own `update_synapse_database` before the homeserver first starts.
//
// Synapse makes a new database from an old schema snapshot and then applies every later change,
// and those changes queue about fifty background updates. Left to the running homeserver, they
// take more than a minute, because it pauses between them, and meanwhile it serves a partial
// service: one of them empties the user directory and rebuilds it (a people search finds no one
// for a while), and sliding sync takes its slower path until its tables are filled. On an empty
// database the script runs them all in a couple of seconds. A database that already has a schema
// is left to Synapse: an upgrade's updates can take long, and Synapse runs them while serving.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { parse, stringify } from "yaml";
import { type SynapseDatabase, synapseDatabaseUrl } from "./postgres.ts";
import type { LogSink } from "./processes.ts";
import { runSynapseScript, sqliteFile } from "./synapsePort.ts";

export interface NewDatabaseOptions {
  python: string;
  synapseDir: string;
  /** homeserver.yaml and the rendered database file, as Synapse reads them. */
  homeserverConfig: string;
  databaseConfig: string;
  /** The PostgreSQL database; SQLite (`<synapseDir>/homeserver.db`) when absent. */
  database?: SynapseDatabase;
  env: NodeJS.ProcessEnv;
  sink: LogSink;
}

/** Whether Synapse has started making its schema in the database. */
export async function hasSynapseSchema(
  synapseDir: string,
  database: SynapseDatabase | undefined,
): Promise<boolean> {
  if (!database) return existsSync(sqliteFile(synapseDir));
  const client = new pg.Client({ connectionString: synapseDatabaseUrl(database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ made: boolean }>(
      "SELECT to_regclass('schema_version') IS NOT NULL AS made",
    );
    return rows[0]?.made === true;
  } finally {
    await client.end();
  }
}

/**
 * Makes the schema of a database Synapse has not used yet and runs its background updates to the
 * end; a no-op for a database that has a schema. Synapse must not be running.
 * @returns whether the database was new
 */
export async function prepareNewDatabase(options: NewDatabaseOptions): Promise<boolean> {
  const { synapseDir } = options;
  if (await hasSynapseSchema(synapseDir, options.database)) return false;
  // The script reads one file: a whole homeserver configuration with the database it works on.
  const homeserver = parse(await readFile(options.homeserverConfig, "utf8")) as object;
  const database = parse(await readFile(options.databaseConfig, "utf8")) as object;
  const config = join(synapseDir, "new-database.yaml");
  await writeFile(config, stringify({ ...homeserver, ...database }), { mode: 0o600 });
  try {
    await runSynapseScript(
      options.python,
      "update_synapse_database",
      ["--database-config", config, "--run-background-updates"],
      {
        ...options,
        part: "synapse-setup",
        failure: "making Synapse's new database failed; the next start tries again",
      },
    );
  } finally {
    await rm(config, { force: true });
  }
  return true;
}
