// Drives `npm start`'s entry point as a person would, for the start-up test and the benchmark.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../scripts/stack/paths.ts";
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

export function npmStart(env: NodeJS.ProcessEnv): StartRun {
  // The same entry point `npm start` runs, without npm's own process in between.
  const child = spawn(process.execPath, [join(repoRoot, "scripts", "start.mjs")], {
    cwd: repoRoot,
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
