// PostgreSQL for the bridge and Synapse, from the npm-shipped binaries. PostgreSQL refuses to run as root, so
// as root it runs as an unprivileged system user (created on first use), from places that user can
// reach (postgres-place.ts). TCP on loopback only, password (SCRAM) authentication, no Unix socket.
import { execFile as execFileCallback } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { placeDataDir, reachableBinaries, SYSTEM_DIR } from "./postgres-place.ts";
import type { LogSink, ManagedProcess, Supervisor } from "./processes.ts";
import { StartupError } from "./processes.ts";
import { postgresBinaries } from "./tools.ts";

const execFile = promisify(execFileCallback);

export const POSTGRES_SYSTEM_USER = "xstream";
export const BRIDGE_DATABASE = "xstream_bridge";
export const BRIDGE_ROLE = "xstream_bridge";
export const SYNAPSE_DATABASE = "xstream_synapse";
export const SYNAPSE_ROLE = "xstream_synapse";

export interface PostgresOptions {
  /** `<state>/postgres`: the data itself, or a link to it when the state folder is private. */
  dataDir: string;
  port: number;
  superuserPassword: string;
  bridgePassword: string;
  synapsePassword: string;
  /**
   * A cluster whose data may be lost on a crash (the test harness's): no fsync, no synchronous
   * commit, so Synapse's many small transactions do not wait for the disk.
   */
  throwAway?: boolean;
  sink: LogSink;
}

/** Where Synapse finds its own role and database (database-postgres.yaml's values). */
export interface SynapseDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
}

export interface RunningPostgres {
  process: ManagedProcess;
  /** Connection URL for the bridge's own role and database. */
  bridgeDatabaseUrl: string;
  synapseDatabase: SynapseDatabase;
  superuserUrl: string;
}

export function synapseDatabaseUrl(database: SynapseDatabase): string {
  return `postgres://${database.user}:${encodeURIComponent(database.password)}@${database.host}:${database.port}/${database.name}`;
}

async function unprivilegedIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const uid = Number((await execFile("id", ["-u", POSTGRES_SYSTEM_USER])).stdout.trim());
    const gid = Number((await execFile("id", ["-g", POSTGRES_SYSTEM_USER])).stdout.trim());
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    await execFile("useradd", [
      "--system",
      "--user-group",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      POSTGRES_SYSTEM_USER,
    ]);
    return lookup();
  }
}

/** Whether the unprivileged user can pass through every parent to `path` (`test -x`). */
async function unprivilegedCanReach(path: string) {
  try {
    await execFile("runuser", ["-u", POSTGRES_SYSTEM_USER, "--", "test", "-x", path]);
    return true;
  } catch {
    return false;
  }
}

/** The data folder must end up writable by the unprivileged user; say so plainly if not. */
async function assertWritable(dir: string) {
  try {
    await execFile("runuser", ["-u", POSTGRES_SYSTEM_USER, "--", "test", "-w", dir]);
  } catch {
    throw new StartupError(
      `PostgreSQL runs as the unprivileged user "${POSTGRES_SYSTEM_USER}", which cannot write to ${dir}. Set DATABASE_URL to use another PostgreSQL.`,
    );
  }
}

function quoteLiteral(text: string) {
  return `'${text.replaceAll("'", "''")}'`;
}

export async function startPostgres(
  supervisor: Supervisor,
  options: PostgresOptions,
): Promise<RunningPostgres> {
  const ids = await unprivilegedIds();
  const placement = {
    systemDir: SYSTEM_DIR,
    canReach: unprivilegedCanReach,
    owner: ids,
    sink: options.sink,
  };
  const binaries = ids
    ? await reachableBinaries(await postgresBinaries(), placement)
    : await postgresBinaries();
  const dataDir = ids ? await placeDataDir(options.dataDir, placement) : options.dataDir;
  const pgData = join(dataDir, "data");
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o700);
  if (ids) {
    await chown(dataDir, ids.uid, ids.gid);
    await assertWritable(dataDir);
  }
  // The unprivileged user's working folder must be one it can enter, not the (maybe private) clone.
  const spawnIds = ids ? { uid: ids.uid, gid: ids.gid, cwd: dataDir } : {};
  // The marker lets an interrupted start-up find and stop initdb too.
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    ...supervisor.markerEnv,
  };

  if (!existsSync(join(pgData, "PG_VERSION"))) {
    const passwordFile = join(dataDir, "initdb-password");
    await writeFile(passwordFile, `${options.superuserPassword}\n`, { mode: 0o600 });
    if (ids) await chown(passwordFile, ids.uid, ids.gid);
    try {
      await new Promise<void>((resolve, reject) => {
        execFileCallback(
          binaries.initdb,
          [
            `--pgdata=${pgData}`,
            "--username=postgres",
            `--pwfile=${passwordFile}`,
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
          ],
          { ...spawnIds, env },
          (error, _stdout, stderr) =>
            error ? reject(new StartupError(`initdb failed:\n${stderr}`)) : resolve(),
        );
      });
    } finally {
      await rm(passwordFile, { force: true });
    }
  }

  const superuserUrl = `postgres://postgres:${encodeURIComponent(options.superuserPassword)}@127.0.0.1:${options.port}/postgres`;
  const managed = await supervisor.start(
    "postgres",
    binaries.postgres,
    [
      "-D",
      pgData,
      "-p",
      String(options.port),
      "-h",
      "127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "logging_collector=off",
      "-c",
      "log_min_messages=warning",
      // Names the state folder on the command line even when the data lives elsewhere, so the
      // next start can recognise and stop this server if the run that started it was killed.
      "-c",
      `xstream.state_dir=${dirname(options.dataDir)}`,
      // Synapse and its workers each keep a pool of up to 10 connections.
      "-c",
      "max_connections=200",
      ...(options.throwAway
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        : []),
    ],
    {
      ...spawnIds,
      env,
      stopSignal: "SIGINT",
      health: { check: () => acceptsConnections(superuserUrl), startupMs: 60_000 },
    },
  );
  await supervisor.ready(managed, "PostgreSQL");

  await ensureBridgeDatabase(superuserUrl, options.bridgePassword);
  await ensureSynapseDatabase(superuserUrl, options.synapsePassword);
  return {
    process: managed,
    superuserUrl,
    synapseDatabase: {
      host: "127.0.0.1",
      port: options.port,
      user: SYNAPSE_ROLE,
      password: options.synapsePassword,
      name: SYNAPSE_DATABASE,
    },
    bridgeDatabaseUrl: `postgres://${BRIDGE_ROLE}:${encodeURIComponent(options.bridgePassword)}@127.0.0.1:${options.port}/${BRIDGE_DATABASE}`,
  };
}

async function acceptsConnections(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates (once) a role and a database it owns; keeps the role's password in step. `create` says
 * how the database is made.
 */
async function ensureOwnDatabase(
  superuserUrl: string,
  role: string,
  database: string,
  password: string,
  create: string,
) {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    const verb = found.rowCount ? "ALTER" : "CREATE";
    await client.query(`${verb} ROLE ${role} LOGIN PASSWORD ${quoteLiteral(password)}`);
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!existing.rowCount) await client.query(create);
  } finally {
    await client.end();
  }
}

function ensureBridgeDatabase(superuserUrl: string, password: string) {
  return ensureOwnDatabase(
    superuserUrl,
    BRIDGE_ROLE,
    BRIDGE_DATABASE,
    password,
    `CREATE DATABASE ${BRIDGE_DATABASE} OWNER ${BRIDGE_ROLE}`,
  );
}

/** Synapse refuses a database whose collation and character type are not C. */
function ensureSynapseDatabase(superuserUrl: string, password: string) {
  return ensureOwnDatabase(
    superuserUrl,
    SYNAPSE_ROLE,
    SYNAPSE_DATABASE,
    password,
    `CREATE DATABASE ${SYNAPSE_DATABASE} OWNER ${SYNAPSE_ROLE} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
  );
}
