// Operator commands against the bridge's database:
//   node bridge-service/dist/cli.js set-role <username> <user|moderator|admin>
//   node bridge-service/dist/cli.js ban <@user:server> [reason…] | unban <@user:server> | bans
// Reads DATABASE_URL (and MATRIX_SERVER_NAME, if set, to refuse other servers' users); it does
// not need the rest of the bridge's configuration. A running bridge publishes bans within seconds.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { setRole } from "./domain/accounts.js";
import {
  BanRefused,
  banLearner,
  listBans,
  requireOwnLearner,
  unbanLearner,
} from "./domain/policyList.js";
import { isRole, ROLES } from "./domain/roles.js";
import { createLogger } from "./logger.js";
import { createPgAccountStore } from "./store/pg/accountStore.js";
import { createPool } from "./store/pg/database.js";
import { runMigrations } from "./store/pg/migrations.js";
import { createPgPolicyStore } from "./store/pg/policyStore.js";

const CLI = "node bridge-service/dist/cli.js";
const USAGE = [
  `usage: ${CLI} set-role <username> <${ROLES.join("|")}>`,
  `       ${CLI} ban <@user:server> [reason…]   (shared with partner organisations)`,
  `       ${CLI} unban <@user:server>`,
  `       ${CLI} bans`,
].join("\n");

type Command =
  | { kind: "set-role"; username: string; role: string }
  | { kind: "ban"; userId: string; reason: string }
  | { kind: "unban"; userId: string }
  | { kind: "bans" };

function parse(args: readonly string[]): Command | undefined {
  const [command, first, ...rest] = args;
  switch (command) {
    case "set-role":
      return first && rest.length === 1 && rest[0]
        ? { kind: "set-role", username: first, role: rest[0] }
        : undefined;
    case "ban":
      return first ? { kind: "ban", userId: first, reason: rest.join(" ") } : undefined;
    case "unban":
      return first && rest.length === 0 ? { kind: "unban", userId: first } : undefined;
    case "bans":
      return first === undefined ? { kind: "bans" } : undefined;
    default:
      return undefined;
  }
}

/** Runs one command; returns the exit code. Output goes to the given writers (testable). */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const command = parse(args);
  if (!command) {
    err(USAGE);
    return 2;
  }
  if (command.kind === "set-role" && !isRole(command.role)) {
    err(`unknown role "${command.role}": use one of ${ROLES.join(", ")}`);
    return 2;
  }
  if (command.kind === "ban" || command.kind === "unban") {
    try {
      requireOwnLearner(command.userId, env.MATRIX_SERVER_NAME || undefined);
    } catch (error) {
      if (!(error instanceof BanRefused)) throw error;
      err(error.message);
      return 2;
    }
  }
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    err("DATABASE_URL is not set (the bridge's PostgreSQL connection URL)");
    return 2;
  }
  const logger = createLogger("warn");
  const pool = createPool(databaseUrl, logger);
  try {
    // So the command also works before the bridge first started on this database.
    await runMigrations(pool, logger);
    return await run(command, pool, env, out, err);
  } catch (error) {
    if (!(error instanceof BanRefused)) throw error;
    err(error.message);
    return 2;
  } finally {
    await pool.end();
  }
}

async function run(
  command: Command,
  pool: pg.Pool,
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const policy = {
    store: createPgPolicyStore(pool),
    serverName: env.MATRIX_SERVER_NAME || undefined,
    now: () => new Date(),
  };
  switch (command.kind) {
    case "set-role": {
      const { username, role } = command;
      const account = isRole(role)
        ? await setRole(createPgAccountStore(pool), username, role)
        : undefined;
      if (!account) {
        err(`no such account: ${username.trim().toLowerCase()}`);
        return 1;
      }
      out(`${account.username} now has role ${account.role}`);
      return 0;
    }
    case "ban": {
      const changed = await banLearner(policy, command.userId, command.reason);
      out(
        changed
          ? `${command.userId} is banned; partner organisations are told within seconds`
          : `${command.userId} was already banned for that reason`,
      );
      return 0;
    }
    case "unban": {
      const lifted = await unbanLearner(policy, command.userId);
      if (!lifted) {
        err(`${command.userId} is not banned`);
        return 1;
      }
      out(`the ban of ${command.userId} is lifted`);
      return 0;
    }
    case "bans":
      for (const ban of await listBans(policy)) {
        out(`${ban.userId}\t${ban.bannedAt.toISOString()}\t${ban.reason}`);
      }
      return 0;
  }
}

// Only when run as a program, not when imported by tests.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  runCli(
    process.argv.slice(2),
    process.env,
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  ).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `${process.argv[2] ?? "cli"} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
