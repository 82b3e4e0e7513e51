// The one-time move of a state folder's Synapse from SQLite (what npm start used before) to
// PostgreSQL, with Synapse's own `synapse_port_db`. Users, rooms, messages and devices move into
// the database; media files and the signing key stay where they are. The SQLite file is then
// renamed, never deleted, so an operator can still go back to it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import type { LogSink } from "./processes.ts";
import { StartupError } from "./processes.ts";

/** The database file earlier versions of npm start kept Synapse in. */
export const sqliteFile = (synapseDir: string) => join(synapseDir, "homeserver.db");

/** Where the SQLite file is kept once its content lives in PostgreSQL. */
export const portedSqliteFile = (synapseDir: string) =>
  join(synapseDir, "homeserver.db.ported-to-postgres");

/**
 * Ports `<synapseDir>/homeserver.db` into the PostgreSQL database of `postgresConfig` (the rendered
 * database-postgres.yaml) when it exists; a no-op otherwise. Synapse must not be running. An
 * interrupted port leaves the SQLite file in place, and synapse_port_db resumes it on the next
 * start.
 */
export async function portSqliteToPostgres(options: {
  python: string;
  synapseDir: string;
  homeserverConfig: string;
  postgresConfig: string;
  /** Synapse's environment: the scripts load the same modules the homeserver does. */
  env: NodeJS.ProcessEnv;
  sink: LogSink;
}): Promise<boolean> {
  const { synapseDir, sink } = options;
  const sqlite = sqliteFile(synapseDir);
  if (!existsSync(sqlite)) return false;
  if (existsSync(portedSqliteFile(synapseDir))) {
    throw new StartupError(
      `${sqlite} exists next to ${portedSqliteFile(synapseDir)}, which an earlier start already ported to PostgreSQL. Move one of them away.`,
    );
  }
  sink(
    "setup",
    "moving Synapse from SQLite to PostgreSQL (once; keeps every user, room and message)…",
  );
  // Both scripts read a whole homeserver configuration with the database they work on.
  const homeserver = parse(await readFile(options.homeserverConfig, "utf8")) as Record<
    string,
    unknown
  >;
  const postgres = parse(await readFile(options.postgresConfig, "utf8")) as Record<string, unknown>;
  const sqliteConfig = join(synapseDir, "port-from-sqlite.yaml");
  const postgresConfig = join(synapseDir, "port-to-postgres.yaml");
  await writeFile(
    sqliteConfig,
    stringify({ ...homeserver, database: { name: "sqlite3", args: { database: sqlite } } }),
    { mode: 0o600 },
  );
  await writeFile(postgresConfig, stringify({ ...homeserver, ...postgres }), { mode: 0o600 });
  try {
    // synapse_port_db refuses a database with background updates still pending, which a
    // recently created or upgraded one has: finish them first, as Synapse would while running.
    const port = { ...options, part: "synapse-port", failure: PORT_FAILED };
    await runSynapseScript(
      options.python,
      synapseScript(options.python, "update_synapse_database"),
      ["--database-config", sqliteConfig, "--run-background-updates"],
      port,
    );
    await runSynapseScript(
      options.python,
      synapseScript(options.python, "synapse_port_db"),
      ["--sqlite-database", sqlite, "--postgres-config", postgresConfig],
      port,
    );
  } finally {
    await rm(sqliteConfig, { force: true });
    await rm(postgresConfig, { force: true });
  }
  await rename(sqlite, portedSqliteFile(synapseDir));
  // SQLite's journal files belong to the renamed database; they would confuse a later reader.
  for (const suffix of ["-wal", "-shm", "-journal"]) {
    if (existsSync(`${sqlite}${suffix}`)) {
      await rename(`${sqlite}${suffix}`, `${portedSqliteFile(synapseDir)}${suffix}`);
    }
  }
  sink(
    "setup",
    `Synapse now runs on PostgreSQL; its SQLite file is kept as ${portedSqliteFile(synapseDir)}`,
  );
  return true;
}

const PORT_FAILED =
  "moving Synapse from SQLite to PostgreSQL failed; the SQLite file is unchanged and the next start tries again";

/** One of the scripts Synapse installs beside its Python. */
const synapseScript = (python: string, name: string) => join(dirname(python), name);

/**
 * Runs a Python script with Synapse's Python in the Synapse folder, its output going to the logs
 * as `part`.
 * @throws StartupError starting with `failure` and the script's last lines when it fails
 */
export function runSynapseScript(
  python: string,
  script: string,
  args: string[],
  options: {
    synapseDir: string;
    env: NodeJS.ProcessEnv;
    sink: LogSink;
    part: string;
    failure: string;
  },
) {
  const { sink } = options;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(python, [script, ...args], {
      cwd: options.synapseDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env,
    });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        sink(options.part, line);
      }
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new StartupError(
              `${options.failure} (${basename(script)} exited with ${code}):\n${tail.join("\n")}`,
            ),
          ),
    );
  });
}
