// Child-process supervision for the stack: every part runs in its own process group (so Ctrl-C
// reaches only us and we stop the parts in order), its output goes line by line to a log sink
// with the part's name, and its pid is recorded so a crashed run's leftovers can be reaped.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";

export type LogSink = (part: string, line: string) => void;

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Signal for a clean stop: PostgreSQL wants SIGINT (fast shutdown), others SIGTERM. */
  stopSignal?: NodeJS.Signals;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;
  private readonly recentLines: string[] = [];

  constructor(
    readonly part: string,
    private readonly child: ChildProcess,
    private readonly stopSignal: NodeJS.Signals,
    sink: LogSink,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
        this.recentLines.push(line);
        if (this.recentLines.length > 40) this.recentLines.shift();
        sink(part, line);
      });
    }
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
      child.once("error", (error) => {
        sink(part, `could not start: ${error.message}`);
        this.exitStatus = { code: -1, signal: null };
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** The last lines the part printed, for error messages. */
  tail(): string {
    return this.recentLines.join("\n");
  }

  /** Asks the part to stop, and kills its whole process group if it has not after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitStatus> {
    if (this.exitStatus) return this.exitStatus;
    const pid = this.child.pid;
    if (pid === undefined) return this.exited;
    signalGroup(pid, this.stopSignal);
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    // Grandchildren (e.g. PostgreSQL backends) go with the group.
    signalGroup(pid, "SIGKILL");
    return status;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export class Supervisor {
  private readonly processes: ManagedProcess[] = [];

  constructor(
    private readonly sink: LogSink,
    private readonly runDir: string,
  ) {}

  async start(
    part: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): Promise<ManagedProcess> {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const managed = new ManagedProcess(part, child, options.stopSignal ?? "SIGTERM", this.sink);
    this.processes.push(managed);
    if (child.pid !== undefined) {
      await mkdir(this.runDir, { recursive: true });
      await writeFile(join(this.runDir, `${part}.pid`), `${child.pid}\n`);
    }
    return managed;
  }

  /** Stops every part, newest first, and forgets their pid files. */
  async stopAll(): Promise<void> {
    for (const managed of [...this.processes].reverse()) {
      await managed.stop();
      await rm(join(this.runDir, `${managed.part}.pid`), { force: true });
    }
    this.processes.length = 0;
  }

  /** The first part to exit while the stack is meant to be running. */
  firstExit(): Promise<{ part: string; status: ExitStatus }> {
    return Promise.race(
      this.processes.map((managed) =>
        managed.exited.then((status) => ({ part: managed.part, status })),
      ),
    );
  }
}

/**
 * Kills processes left behind by a run that was itself killed (its pid files are still there).
 * A pid is only killed when its command line mentions `marker` (the state folder), so a pid that
 * the kernel has since reused for something else is left alone.
 */
export async function reapLeftovers(runDir: string, marker: string, sink: LogSink) {
  if (!existsSync(runDir)) return;
  for (const file of await readdir(runDir)) {
    if (!file.endsWith(".pid")) continue;
    const pid = Number(readFileSync(join(runDir, file), "utf8").trim());
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      // Not running.
    }
    if (pid > 1 && cmdline.includes(marker)) {
      sink(
        "setup",
        `stopping ${file.replace(/\.pid$/, "")} left over from an earlier run (pid ${pid})`,
      );
      signalGroup(pid, file.startsWith("postgres") ? "SIGINT" : "SIGTERM");
      for (let waited = 0; waited < 100 && existsSync(`/proc/${pid}`); waited++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      signalGroup(pid, "SIGKILL");
    }
    await rm(join(runDir, file), { force: true });
  }
}

export class StartupError extends Error {}

/** Polls `check` until it returns true; fails early, with the part's last lines, if it exits. */
export async function waitUntilReady(
  managed: ManagedProcess | undefined,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed?.hasExited) {
      throw new StartupError(`${what} exited during start-up. Its last lines:\n${managed.tail()}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tail = managed ? ` Its last lines:\n${managed.tail()}` : "";
  throw new StartupError(`${what} was not ready after ${Math.round(timeoutMs / 1000)} s.${tail}`);
}

/** GET a URL and report whether it answered with a 2xx status. */
export async function answersOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}
