// Start-up time of the whole stack through `npm start`'s entry point, from launch to the ready
// line: cold (a fresh state folder: initdb, Synapse's schema, new secrets) and warm (same folder
// again). Tools are already installed, so neither includes the one-off Synapse/LiveKit install.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeStackPorts, removeStateDir } from "../e2e/harness.ts";
import { envFor, npmStart, readyUrl } from "../e2e/npm-start.ts";
import type { Benchmark } from "./run.ts";

const WARM_RUNS = 3;

async function timeStart(stateDir: string, ports: Awaited<ReturnType<typeof freeStackPorts>>) {
  const started = performance.now();
  const run = npmStart(envFor(stateDir, ports));
  let seconds: number;
  try {
    await readyUrl(run);
    seconds = (performance.now() - started) / 1000;
  } finally {
    run.child.kill("SIGINT");
  }
  const code = await run.exited;
  if (code !== 0) throw new Error(`npm start exited with ${code}:\n${run.output().slice(-2000)}`);
  return seconds;
}

export const startupBenchmark: Benchmark = async (report) => {
  const stateDir = await mkdtemp(join(tmpdir(), "xstream-bench-"));
  try {
    const ports = await freeStackPorts();
    const cold = await timeStart(stateDir, ports);
    report({ name: "stack_start_cold", value: Number(cold.toFixed(2)), unit: "s" });
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await timeStart(stateDir, ports));
    warm.sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)] ?? 0;
    report({ name: "stack_start_warm_p50", value: Number(median.toFixed(2)), unit: "s" });
  } finally {
    await removeStateDir(stateDir);
  }
};
