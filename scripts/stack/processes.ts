// Child-process supervision for the stack. Every part runs in its own process group (so Ctrl-C
// reaches only us and we stop the parts in order) with the state folder in its environment (so a
// leftover is recognised whatever its command line), its pid recorded before it can outlive us,
// and its output going line by line to a log sink. Once the stack is up, a part that exits is
// restarted with backoff and a part that fails its health check for too long is killed and
// restarted; the others keep serving.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

export type LogSink = (part: string, line: string) => void;

/** Set in every part's environment; its value is the state folder the part belongs to. */
export const STACK_MARKER = "XSTREAM_STACK_DIR";

export interface PartHealth {
  /** One probe: resolves true when the part serves. A rejection counts as a failure. */
  check: () => Promise<boolean>;
  /** How long a (re)started part may take to pass its first check. */
  startupMs: number;
  /** Parts this one needs: while one of them is down, this one's failures are not held against it. */
  needs?: readonly string[];
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Signal for a clean stop: PostgreSQL wants SIGINT (fast shutdown), others SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Without one, the part is restarted when it exits but never by the watchdog. */
  health?: PartHealth;
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

  /** How it ended, once it has. */
  get status(): ExitStatus | undefined {
    return this.exitStatus;
  }

  /** The last lines the part printed, for error messages. */
  tail(): string {
    return this.recentLines.join("\n");
  }

  /** Kills the whole process group at once; a stopped (SIGSTOP) process ignores anything else. */
  kill(): void {
    if (this.child.pid !== undefined) signalGroup(this.child.pid, "SIGKILL");
  }

  /** Asks the part to stop, and kills its whole process group if it has not after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitStatus> {
    const pid = this.child.pid;
    if (this.exitStatus || pid === undefined) {
      // Grandchildren may outlive their leader (a crashed PostgreSQL's backends).
      if (pid !== undefined) signalGroup(pid, "SIGKILL");
      return this.exited;
    }
    signalGroup(pid, this.stopSignal);
    // A frozen process cannot act on a polite signal; let it receive one.
    signalGroup(pid, "SIGCONT");
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
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

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether live process `pid` carries this state folder's marker in its environment. */
export function belongsTo(pid: number, stateDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .includes(`${STACK_MARKER}=${stateDir}`);
  } catch {
    // Gone, or a zombie (its environment is empty).
    return false;
  }
}

/** Every process of this state folder except ourselves. */
export function processesOf(stateDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && belongsTo(pid, stateDir)) pids.push(pid);
  }
  return pids;
}

/**
 * Stops every process of this state folder: SIGTERM first (initdb, say, then removes the data
 * folder it had begun), SIGKILL for whatever is left after `graceMs`. Waits (up to 10 s more)
 * until they are gone.
 */
export async function killEverythingOf(stateDir: string, graceMs = 2_000): Promise<number[]> {
  const signalled: number[] = [];
  const signal = (pids: number[], name: NodeJS.Signals) => {
    for (const pid of pids) {
      if (!signalled.includes(pid)) signalled.push(pid);
      try {
        process.kill(pid, name);
        if (name === "SIGTERM") process.kill(pid, "SIGCONT");
      } catch {
        // Gone meanwhile.
      }
    }
  };
  signal(processesOf(stateDir), "SIGTERM");
  for (let waited = 0; waited < graceMs && processesOf(stateDir).length > 0; waited += 100) {
    await sleep(100);
  }
  for (let round = 0; round < 100; round++) {
    const pids = processesOf(stateDir);
    if (pids.length === 0) break;
    signal(pids, "SIGKILL");
    await sleep(100);
  }
  return signalled;
}

/** When and how fast a part came back; the supervisor keeps these for tests and operators. */
export interface Recovery {
  part: string;
  reason: string;
  diedAt: number;
  backAt: number;
}

export interface SupervisionSettings {
  /** A part failing its health check this long is killed and restarted. */
  watchdogMs: number;
  /** Pause between health probes of one part. */
  checkEveryMs: number;
  /** Delay before the first restart; it doubles with each failure in `failureWindowMs`. */
  firstRestartDelayMs: number;
  maxRestartDelayMs: number;
  /** More failures than this within `failureWindowMs` and the part is left stopped. */
  maxFailures: number;
  failureWindowMs: number;
}

/** A probe unanswered this long counts as failed (slow is fine; frozen is not). */
const PROBE_TIMEOUT_MS = 5_000;

export const DEFAULT_SUPERVISION: SupervisionSettings = {
  watchdogMs: 30_000,
  checkEveryMs: 5_000,
  firstRestartDelayMs: 1_000,
  maxRestartDelayMs: 30_000,
  maxFailures: 5,
  failureWindowMs: 5 * 60_000,
};

export interface SupervisorOptions {
  /** The part logs' sink; the supervisor's own messages go to it as part "setup". */
  sink: LogSink;
  stateDir: string;
  /** Aborted when start-up is interrupted: nothing new is started after that. */
  signal?: AbortSignal;
  settings?: Partial<SupervisionSettings>;
}

type PartState = "starting" | "running" | "restarting" | "held" | "failed";

interface Part {
  name: string;
  command: string;
  args: readonly string[];
  options: SpawnOptions;
  current: ManagedProcess;
  state: PartState;
  /** The last probe's answer (true until one fails). */
  healthy: boolean;
  lastHealthyAt: number;
  failures: number[];
  /** Set when we killed it on purpose (the watchdog), so its exit is described as such. */
  killReason?: string;
  timer?: NodeJS.Timeout;
}

export class StartupAborted extends Error {
  constructor() {
    super("start-up was interrupted");
  }
}

export class Supervisor {
  readonly settings: SupervisionSettings;
  readonly recoveries: Recovery[] = [];
  private readonly parts = new Map<string, Part>();
  private readonly runDir: string;
  private supervising = false;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    this.settings = { ...DEFAULT_SUPERVISION, ...options.settings };
    this.runDir = join(options.stateDir, "run");
  }

  /** Environment that marks a process as belonging to this state folder. */
  get markerEnv(): Record<string, string> {
    return { [STACK_MARKER]: this.options.stateDir };
  }

  private say(line: string) {
    this.options.sink("setup", line);
  }

  /** Throws if start-up was interrupted or the stack is stopping. */
  checkNotAborted(): void {
    if (this.stopping || this.options.signal?.aborted) throw new StartupAborted();
  }

  async start(
    part: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): Promise<ManagedProcess> {
    this.checkNotAborted();
    const entry: Part = {
      name: part,
      command,
      args,
      options,
      current: this.spawn(part, command, args, options),
      state: "starting",
      healthy: true,
      lastHealthyAt: Date.now(),
      failures: [],
    };
    this.parts.set(part, entry);
    return entry.current;
  }

  /** Spawns and, in the same tick (no signal handler can run in between), records the pid. */
  private spawn(
    part: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions,
  ): ManagedProcess {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), ...this.markerEnv },
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const managed = new ManagedProcess(
      part,
      child,
      options.stopSignal ?? "SIGTERM",
      this.options.sink,
    );
    if (child.pid !== undefined) {
      mkdirSync(this.runDir, { recursive: true });
      // The part leads its own process group, so its pid is also the group to kill.
      writeFileSync(join(this.runDir, `${part}.pid`), `${child.pid}\n`);
    }
    void managed.exited.then((status) => this.onExit(part, managed, status));
    return managed;
  }

  /**
   * Resolves once `managed` passes its part's health check; rejects if it exits, times out or
   * start-up is interrupted. The rejection is also handled here: when an earlier part fails, a
   * later part's wait is never awaited and must not end the process as unhandled.
   */
  ready(managed: ManagedProcess, what: string): Promise<void> {
    const health = this.parts.get(managed.part)?.options.health;
    if (!health) return Promise.resolve();
    const ready = waitUntilReady(
      managed,
      what,
      health.check,
      health.startupMs,
      this.options.signal,
      () => this.stopping,
    ).then(() => {
      this.say(`${what} is up`);
      const part = this.parts.get(managed.part);
      if (part?.current === managed) {
        part.state = "running";
        part.lastHealthyAt = Date.now();
      }
    });
    ready.catch(() => {});
    return ready;
  }

  /** From now on, parts that exit are restarted and the watchdog probes their health. */
  watch(): void {
    this.supervising = true;
    for (const part of this.parts.values()) {
      const status = part.current.status;
      if (status) {
        // It died after it was ready, while later parts were still starting.
        this.onFailure(part, part.current, status);
        continue;
      }
      if (part.state === "starting") part.state = "running";
      part.lastHealthyAt = Date.now();
      this.scheduleProbe(part);
    }
  }

  private onExit(name: string, managed: ManagedProcess, status: ExitStatus) {
    const part = this.parts.get(name);
    if (!part || part.current !== managed) return;
    // Whatever the leader left behind in its group (e.g. PostgreSQL backends) goes with it.
    managed.kill();
    if (this.stopping || !this.supervising || part.state === "failed" || part.state === "held") {
      return;
    }
    this.onFailure(part, managed, status);
  }

  private onFailure(part: Part, managed: ManagedProcess, status: ExitStatus) {
    const name = part.name;
    const diedAt = Date.now();
    const reason =
      part.killReason ?? `exited unexpectedly (${status.signal ?? `exit code ${status.code}`})`;
    part.killReason = undefined;
    part.failures = part.failures.filter((at) => diedAt - at < this.settings.failureWindowMs);
    part.failures.push(diedAt);
    if (part.failures.length > this.settings.maxFailures) {
      part.state = "failed";
      rmSync(join(this.runDir, `${name}.pid`), { force: true });
      const minutes = Math.round(this.settings.failureWindowMs / 60_000);
      this.say(
        `ERROR: ${name} ${reason}: ${part.failures.length} failures within ${minutes} min, giving up on it. Everything else keeps running; restart npm start to try ${name} again. Its last lines:\n${managed.tail()}`,
      );
      return;
    }
    const delay = Math.min(
      this.settings.firstRestartDelayMs * 2 ** (part.failures.length - 1),
      this.settings.maxRestartDelayMs,
    );
    part.state = "restarting";
    part.healthy = false;
    const dependents = [...this.parts.values()]
      .filter((other) => other.options.health?.needs?.includes(name))
      .map((other) => other.name);
    const told = dependents.length ? ` (${dependents.join(", ")} will reconnect by itself)` : "";
    this.say(`WARNING: ${name} ${reason}; restarting it in ${delay / 1000} s${told}`);
    clearTimeout(part.timer);
    part.timer = setTimeout(() => {
      this.restart(part, diedAt, reason).catch((error: unknown) => {
        part.state = "failed";
        this.say(
          `ERROR: could not restart ${name}: ${String(error)}. Everything else keeps running.`,
        );
      });
    }, delay);
  }

  private async restart(part: Part, diedAt: number, reason: string) {
    if (this.stopping) return;
    const managed = this.spawn(part.name, part.command, part.args, part.options);
    part.current = managed;
    part.state = "starting";
    const health = part.options.health;
    try {
      if (health) {
        await waitUntilReady(
          managed,
          part.name,
          health.check,
          health.startupMs,
          undefined,
          () => this.stopping,
        );
      }
    } catch (error) {
      if (this.stopping || part.current !== managed || managed.hasExited) return;
      part.killReason = `did not come back healthy: ${error instanceof Error ? error.message.split("\n")[0] : error}`;
      managed.kill();
      return;
    }
    if (this.stopping || part.current !== managed) return;
    const backAt = Date.now();
    part.state = "running";
    part.healthy = true;
    part.lastHealthyAt = backAt;
    this.recoveries.push({ part: part.name, reason, diedAt, backAt });
    this.say(
      `${part.name} is back (pid ${managed.pid}), ${((backAt - diedAt) / 1000).toFixed(1)} s after it went down`,
    );
    this.scheduleProbe(part);
  }

  private scheduleProbe(part: Part) {
    const health = part.options.health;
    if (!health || this.stopping) return;
    clearTimeout(part.timer);
    part.timer = setTimeout(() => void this.probe(part, health), this.settings.checkEveryMs);
  }

  private async probe(part: Part, health: PartHealth) {
    if (this.stopping || part.state !== "running") return;
    const managed = part.current;
    let failure: string | undefined;
    try {
      const ok = await withTimeout(health.check(), PROBE_TIMEOUT_MS);
      if (!ok) failure = "unhealthy answer";
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (this.stopping || part.current !== managed || part.state !== "running") return;
    const now = Date.now();
    part.healthy = failure === undefined;
    const excused = (health.needs ?? []).some((name) => {
      const needed = this.parts.get(name);
      return needed !== undefined && (needed.state !== "running" || !needed.healthy);
    });
    if (part.healthy || excused) {
      part.lastHealthyAt = now;
    } else if (now - part.lastHealthyAt >= this.settings.watchdogMs) {
      const seconds = Math.round((now - part.lastHealthyAt) / 1000);
      part.killReason = `failed its health check for ${seconds} s (${failure}) and was killed`;
      this.say(
        `WARNING: ${part.name} has failed its health check for ${seconds} s (${failure}); killing it (SIGKILL) to restart it`,
      );
      managed.kill();
      return;
    }
    this.scheduleProbe(part);
  }

  /** Stops every part, newest first, and forgets their pid files. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const part of this.parts.values()) clearTimeout(part.timer);
    for (const part of [...this.parts.values()].reverse()) {
      await part.current.stop();
      rmSync(join(this.runDir, `${part.name}.pid`), { force: true });
    }
    this.parts.clear();
    // Anything else of ours (initdb, an install) that is still running.
    await killEverythingOf(this.options.stateDir);
  }

  /** Stops a part on purpose and keeps it stopped, not restarted, until `release` (an outage). */
  async hold(name: string): Promise<void> {
    const part = this.parts.get(name);
    if (!part) throw new Error(`no part named ${name}`);
    part.state = "held";
    clearTimeout(part.timer);
    await part.current.stop();
  }

  /**
   * Starts a held part again; resolves once it passes its health check. `env` changes its
   * environment from now on (an operator's restart with other settings).
   */
  async release(name: string, env?: Record<string, string>): Promise<void> {
    const part = this.parts.get(name);
    if (part?.state !== "held") throw new Error(`${name} is not held`);
    if (env) part.options = { ...part.options, env: { ...part.options.env, ...env } };
    const managed = this.spawn(part.name, part.command, part.args, part.options);
    part.current = managed;
    part.state = "starting";
    await this.ready(managed, name);
    part.healthy = true;
    if (this.supervising) this.scheduleProbe(part);
  }

  /** The process currently running `part`, if any. */
  current(part: string): ManagedProcess | undefined {
    return this.parts.get(part)?.current;
  }

  /** Whether the supervisor gave up on `part` after too many failures. */
  gaveUpOn(part: string): boolean {
    return this.parts.get(part)?.state === "failed";
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Stops processes left behind by a run that was itself killed: each recorded pid (a process
 * group) is stopped if it still carries this state folder's marker — so a pid the kernel has since
 * reused is left alone — and then any other process with the marker is killed.
 */
export async function reapLeftovers(stateDir: string, sink: LogSink) {
  const runDir = join(stateDir, "run");
  if (existsSync(runDir)) {
    for (const file of readdirSync(runDir)) {
      if (!file.endsWith(".pid")) continue;
      const pid = Number(readFileSync(join(runDir, file), "utf8").trim());
      if (pid > 1 && belongsTo(pid, stateDir)) {
        sink(
          "setup",
          `stopping ${file.replace(/\.pid$/, "")} left over from an earlier run (pid ${pid})`,
        );
        signalGroup(pid, file.startsWith("postgres") ? "SIGINT" : "SIGTERM");
        signalGroup(pid, "SIGCONT");
        for (let waited = 0; waited < 100 && belongsTo(pid, stateDir); waited++) await sleep(100);
        signalGroup(pid, "SIGKILL");
      }
      rmSync(join(runDir, file), { force: true });
    }
  }
  const stray = await killEverythingOf(stateDir);
  if (stray.length > 0) {
    sink("setup", `killed ${stray.length} other leftover process(es) of ${stateDir}`);
  }
}

export class StartupError extends Error {}

/**
 * Polls `check` until it returns true; fails early, with the part's last lines, if it exits, and
 * at once if start-up is interrupted.
 */
export async function waitUntilReady(
  managed: ManagedProcess | undefined,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  signal?: AbortSignal,
  cancelled: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted || cancelled()) throw new StartupAborted();
    if (managed?.hasExited) {
      throw new StartupError(`${what} exited during start-up. Its last lines:\n${managed.tail()}`);
    }
    if (await check().catch(() => false)) return;
    await sleep(200);
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
