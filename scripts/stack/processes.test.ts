// The supervisor with real (tiny) processes: restarts with backoff, gives up loudly, kills what
// freezes, excuses a part whose dependency is down, and finds leftovers by their marker.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freeTcpPort } from "./ports.ts";
import {
  answersOk,
  belongsTo,
  processesOf,
  reapLeftovers,
  STACK_MARKER,
  Supervisor,
} from "./processes.ts";

const FAST = {
  watchdogMs: 1_000,
  checkEveryMs: 200,
  firstRestartDelayMs: 100,
  maxRestartDelayMs: 400,
  maxFailures: 3,
  failureWindowMs: 60_000,
};

/** A tiny HTTP server answering 200 on every path: a part with a health check. */
function server(port: number): [string, string[]] {
  return [
    process.execPath,
    ["-e", `require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1")`],
  ];
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function supervised() {
  const stateDir = await mkdtemp(join(tmpdir(), "xstream-supervisor-unit-"));
  const lines: string[] = [];
  const supervisor = new Supervisor({
    sink: (part, line) => lines.push(`${part}| ${line}`),
    stateDir,
    settings: FAST,
  });
  cleanups.push(async () => {
    await supervisor.stopAll();
    await rm(stateDir, { recursive: true, force: true });
  });
  const startServer = async (part: string, needs?: string[]) => {
    const port = await freeTcpPort();
    const [command, args] = server(port);
    const url = `http://127.0.0.1:${port}/`;
    const managed = await supervisor.start(part, command, args, {
      health: { check: () => answersOk(url), startupMs: 10_000, needs },
    });
    await supervisor.ready(managed, part);
    return { url, pid: () => supervisor.current(part)?.pid ?? 0 };
  };
  return { stateDir, lines, supervisor, startServer };
}

describe("Supervisor", { timeout: 30_000 }, () => {
  it("keeps a held part stopped, without restarting it, until it is released", async () => {
    const { lines, supervisor, startServer } = await supervised();
    const part = await startServer("held");
    supervisor.watch();
    const firstPid = part.pid();
    await supervisor.hold("held");
    expect(await answersOk(part.url).catch(() => false)).toBe(false);
    // Longer than the first restart delay and the watchdog: nothing brings it back by itself.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await answersOk(part.url).catch(() => false)).toBe(false);
    expect(lines.join("\n")).not.toContain("restarting it");
    await supervisor.release("held");
    expect(await answersOk(part.url)).toBe(true);
    expect(part.pid()).not.toBe(firstPid);
  });

  it("restarts a part that dies, with doubling delays, and gives up after too many failures", async () => {
    const { lines, supervisor, startServer, stateDir } = await supervised();
    const flaky = await startServer("flaky");
    const steady = await startServer("steady");
    const steadyPid = steady.pid();
    supervisor.watch();

    for (let failure = 1; failure <= FAST.maxFailures; failure++) {
      const pid = flaky.pid();
      process.kill(pid, "SIGKILL");
      // Back once the supervisor has seen it pass its health check again.
      await until(() => supervisor.recoveries.length === failure, `restart ${failure}`);
      expect(await answersOk(flaky.url)).toBe(true);
      expect(await readFile(join(stateDir, "run", "flaky.pid"), "utf8")).toBe(`${flaky.pid()}\n`);
    }
    expect(supervisor.recoveries.map((recovery) => recovery.part)).toEqual([
      "flaky",
      "flaky",
      "flaky",
    ]);
    expect(lines.filter((line) => line.includes("restarting it in"))).toEqual([
      expect.stringContaining("in 0.1 s"),
      expect.stringContaining("in 0.2 s"),
      expect.stringContaining("in 0.4 s"),
    ]);

    process.kill(flaky.pid(), "SIGKILL");
    await until(() => supervisor.gaveUpOn("flaky"), "giving up");
    expect(lines.at(-1)).toMatch(/ERROR: flaky .* giving up on it\. Everything else keeps running/);
    // The rest was never touched.
    expect(steady.pid()).toBe(steadyPid);
    expect(await answersOk(steady.url)).toBe(true);
  });

  it("kills a frozen part after the watchdog's window and restarts it", async () => {
    const { lines, supervisor, startServer, stateDir } = await supervised();
    const part = await startServer("frozen");
    supervisor.watch();
    const pid = part.pid();
    process.kill(pid, "SIGSTOP");
    const frozenAt = Date.now();
    await until(
      async () => part.pid() !== pid && (await answersOk(part.url).catch(() => false)),
      "restart",
    );
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(FAST.watchdogMs);
    expect(lines.join("\n")).toMatch(/frozen has failed its health check for \d+ s/);
    expect(belongsTo(pid, stateDir)).toBe(false);
  });

  it("does not blame a part while a part it needs is down", async () => {
    const { supervisor, startServer } = await supervised();
    const database = await startServer("database");
    // The "app" is healthy only while the database answers, like the bridge's /healthz.
    const appPort = await freeTcpPort();
    const [command, args] = server(appPort);
    const app = await supervisor.start("app", command, args, {
      health: {
        check: async () =>
          (await answersOk(database.url)) && answersOk(`http://127.0.0.1:${appPort}/`),
        startupMs: 10_000,
        needs: ["database"],
      },
    });
    await supervisor.ready(app, "app");
    supervisor.watch();
    const appPid = app.pid;
    const databasePid = database.pid();
    process.kill(databasePid, "SIGSTOP");
    await until(
      async () =>
        database.pid() !== databasePid && (await answersOk(database.url).catch(() => false)),
      "database restart",
    );
    await new Promise((resolve) => setTimeout(resolve, FAST.watchdogMs / 2));
    expect(supervisor.current("app")?.pid).toBe(appPid);
    expect(supervisor.recoveries.map((recovery) => recovery.part)).toEqual(["database"]);
  });

  it("restarts a part that died after it was ready but before the rest of start-up finished", async () => {
    const { supervisor, startServer } = await supervised();
    const early = await startServer("early");
    const pid = early.pid();
    process.kill(pid, "SIGKILL");
    await until(() => supervisor.current("early")?.hasExited === true, "the exit");
    supervisor.watch();
    await until(() => supervisor.recoveries.length === 1, "the restart");
    expect(early.pid()).not.toBe(pid);
    expect(await answersOk(early.url)).toBe(true);
  });

  it("stops every part and everything else carrying its marker", async () => {
    const { stateDir, supervisor, startServer } = await supervised();
    await startServer("one");
    // Something of ours that the supervisor did not start itself (an install, say).
    const helper = spawn("sleep", ["30"], { env: { ...process.env, [STACK_MARKER]: stateDir } });
    await until(() => processesOf(stateDir).length === 2, "both processes");
    await supervisor.stopAll();
    expect(processesOf(stateDir)).toEqual([]);
    expect(helper.pid).toBeDefined();
  });
});

describe("reapLeftovers", { timeout: 30_000 }, () => {
  it("stops an earlier run's leftovers by their marker and leaves other processes alone", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "xstream-leftovers-"));
    const marked = { ...process.env, [STACK_MARKER]: stateDir };
    // A leftover part recorded in run/, one that was not recorded, and a stranger whose pid a
    // stale pid file happens to name.
    const recorded = spawn("sleep", ["30"], { env: marked, detached: true });
    const unrecorded = spawn("sleep", ["30"], { env: marked, detached: true });
    const stranger = spawn("sleep", ["30"], { detached: true });
    try {
      await until(() => processesOf(stateDir).length === 2, "the leftovers");
      const runDir = join(stateDir, "run");
      await mkdir(runDir);
      await writeFile(join(runDir, "bridge.pid"), `${recorded.pid}\n`);
      await writeFile(join(runDir, "synapse.pid"), `${stranger.pid}\n`);
      const said: string[] = [];
      await reapLeftovers(stateDir, (_part, line) => said.push(line));
      expect(processesOf(stateDir)).toEqual([]);
      expect(said.join("\n")).toContain(
        `stopping bridge left over from an earlier run (pid ${recorded.pid})`,
      );
      expect(stranger.exitCode).toBeNull();
      expect(() => process.kill(stranger.pid ?? 0, 0)).not.toThrow();
      expect(unrecorded.pid).toBeDefined();
    } finally {
      stranger.kill("SIGKILL");
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
