// Operator commands against the bridge's database:
//   node bridge-service/dist/cli.js set-role <username> <user|moderator|admin>
// Reads DATABASE_URL only; it does not need the rest of the bridge's configuration.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { setRole } from "./domain/accounts.js";
import { isRole, ROLES } from "./domain/roles.js";
import { createLogger } from "./logger.js";
import { createPgAccountStore } from "./store/pg/accountStore.js";
import { createPool } from "./store/pg/database.js";
import { runMigrations } from "./store/pg/migrations.js";

const USAGE = `usage: node bridge-service/dist/cli.js set-role <username> <${ROLES.join("|")}>`;

/** Runs one command; returns the exit code. Output goes to the given writers (testable). */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const [command, username, role, ...extra] = args;
  if (command !== "set-role" || !username || !role || extra.length > 0) {
    err(USAGE);
    return 2;
  }
  if (!isRole(role)) {
    err(`unknown role "${role}": use one of ${ROLES.join(", ")}`);
    return 2;
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
    const account = await setRole(createPgAccountStore(pool), username, role);
    if (!account) {
      err(`no such account: ${username.trim().toLowerCase()}`);
      return 1;
    }
    out(`${account.username} now has role ${account.role}`);
    return 0;
  } finally {
    await pool.end();
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
        `set-role failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
