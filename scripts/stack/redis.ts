// Redis for Synapse's worker mode (replication between its processes): Debian's redis-server,
// or one already on PATH. It listens on a Unix socket in the state folder only (no TCP port),
// keeps nothing on disk (Synapse uses it as a message bus, not as storage), and is supervised
// like the other parts.
import { execFile as execFileCallback, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createConnection } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LogSink, ManagedProcess, Supervisor } from "./processes.ts";
import { MissingToolError } from "./tools.ts";

const execFile = promisify(execFileCallback);

async function onPath(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFile("sh", ["-c", `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function apt(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("apt-get", args, {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/**
 * Returns a redis-server binary: `XSTREAM_REDIS_BIN`, else one on PATH, else Debian's package,
 * installed with apt when running as root (the way the tests get Chromium).
 */
export async function ensureRedis(sink: LogSink): Promise<string> {
  const explicit = process.env.XSTREAM_REDIS_BIN;
  if (explicit) return explicit;
  const found = await onPath("redis-server");
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new MissingToolError(
      "Synapse's worker mode needs redis-server, which was not found. Install Debian's redis-server package (apt-get install redis-server) or put redis-server on PATH.",
    );
  }
  sink("setup", "installing Debian's redis-server for Synapse's worker mode (first use only)…");
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "--no-install-recommends", "redis-server"],
  ]) {
    if ((await apt(args)) !== 0) throw new MissingToolError(`apt-get ${args.join(" ")} failed`);
  }
  const installed = await onPath("redis-server");
  if (!installed) throw new MissingToolError("redis-server is still missing after apt-get install");
  return installed;
}

/** Whether Redis answers PING on its socket. */
export function answersPing(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    let reply = "";
    const done = (ok: boolean) => {
      connection.destroy();
      resolve(ok);
    };
    connection.setTimeout(2_000, () => done(false));
    connection.once("error", () => done(false));
    connection.once("connect", () => connection.write("PING\r\n"));
    connection.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

export async function startRedis(
  supervisor: Supervisor,
  options: { binary: string; dir: string; socket: string; logLevel: "notice" | "warning" },
): Promise<{ process: ManagedProcess; ready: Promise<void> }> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const managed = await supervisor.start(
    "redis",
    options.binary,
    [
      // Configuration on the command line: no file to keep in step.
      "--port",
      "0",
      "--unixsocket",
      options.socket,
      "--unixsocketperm",
      "700",
      "--dir",
      options.dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--loglevel",
      options.logLevel,
      "--logfile",
      "",
    ],
    {
      cwd: options.dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      health: { check: () => answersPing(options.socket), startupMs: 30_000 },
    },
  );
  return { process: managed, ready: supervisor.ready(managed, "Redis") };
}

export const redisSocket = (stateDir: string) => join(stateDir, "redis", "redis.sock");
