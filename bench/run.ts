// Runs every benchmark in bench/ and prints its figures as JSON lines on stdout; progress and
// diagnostics go to stderr so the output can be piped straight into a file.
import { join } from "node:path";
import { buildIfStale } from "../scripts/stack/build.ts";
import { repoRoot } from "../scripts/stack/paths.ts";
import { ensureLiveKit, ensureSynapse } from "../scripts/stack/tools.ts";

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export type Benchmark = (report: (figure: Figure) => void) => Promise<void>;

export async function runBenchmarks(args: string[]): Promise<number> {
  // Other words are a benchmark's own options (`load --users 100,300`); it reads them itself.
  const log = (part: string, line: string) => process.stderr.write(`${part} | ${line}\n`);
  const toolsDir = process.env.XSTREAM_TOOLS_DIR ?? join(repoRoot, ".xstream", "tools");
  await buildIfStale(log);
  // Loaded after the build: the benchmarks use the bridge's code, which imports the built
  // contract workspace (contract/dist), absent from a fresh clone until then.
  const { BENCHMARKS, ON_REQUEST } = await import("./registry.ts");
  const only = args.filter((arg) => arg in BENCHMARKS || arg in ON_REQUEST);
  await Promise.all([ensureSynapse(toolsDir, log), ensureLiveKit(toolsDir, log)]);
  const report = (figure: Figure) => process.stdout.write(`${JSON.stringify(figure)}\n`);
  for (const [name, benchmark] of Object.entries({ ...BENCHMARKS, ...ON_REQUEST })) {
    if (only.length > 0 ? !only.includes(name) : name in ON_REQUEST) continue;
    log("bench", `running ${name}…`);
    await benchmark(report);
  }
  return 0;
}
