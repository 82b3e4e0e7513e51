// Drives `npm start`'s entry point as a person would, for the start-up test and the benchmark.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "../scripts/stack/paths.ts";
import { STACK_MARKER } from "../scripts/stack/processes.ts";
import type { StackPorts } from "../scripts/stack/stack.ts";
import { toolsDir } from "./harness.ts";

export interface StartRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function envFor(stateDir: string, ports: StackPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XSTREAM_STATE_DIR: stateDir,
    XSTREAM_TOOLS_DIR: toolsDir,
    XSTREAM_PORT: String(ports.edge),
    XSTREAM_SYNAPSE_PORT: String(ports.synapse),
    XSTREAM_BRIDGE_PORT: String(ports.bridge),
    XSTREAM_METRICS_PORT: String(ports.metrics),
    XSTREAM_LIVEKIT_PORT: String(ports.livekit),
    XSTREAM_LIVEKIT_RTC_TCP_PORT: String(ports.livekitRtcTcp),
    XSTREAM_LIVEKIT_UDP_PORTS: `${ports.livekitUdpStart}-${ports.livekitUdpEnd}`,
    XSTREAM_POSTGRES_PORT: String(ports.postgres),
    XSTREAM_LOG: "warn",
  };
}

export function npmStart(env: NodeJS.ProcessEnv, root = repoRoot): StartRun {
  // The same entry point `npm start` runs, without npm's own process in between.
  const child = spawn(process.execPath, [join(root, "scripts", "start.mjs")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

export async function readyUrl(run: StartRun, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = run.output().match(/^Xstream is ready: (\S+)$/m);
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm start did not become ready:\n${run.output().slice(-4000)}`);
}

/** Whether nothing listens on TCP `port` of loopback. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/**
 * Live processes of a state folder: its marker in their environment, or the folder on their
 * command line. Zombies (already dead, not yet reaped) have neither and do not count.
 */
export function processesOf(stateDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (cmdline.includes(stateDir) || environ.includes(`${STACK_MARKER}=${stateDir}`)) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
