// Builds the /api contract, then bridge-service and the client, when their sources are newer than
// the last build.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./paths.ts";
import type { LogSink } from "./processes.ts";

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function runNpm(args: string[], sink: LogSink, part: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else {
        for (const line of lines) sink(part, line);
        reject(new Error(`npm ${args.join(" ")} failed (exit ${code})`));
      }
    });
  });
}

// Both workspaces import the contract's build, so it is built first, once, and counts as their source.
const CONTRACT = { name: "contract", output: join("contract", "dist", "index.js") } as const;

const WORKSPACES = [
  { name: "bridge-service", output: join("bridge-service", "dist", "main.js") },
  { name: "client", output: join("client", "dist", "index.html") },
] as const;

async function buildWorkspace(
  { name, output }: { name: string; output: string },
  sources: number,
  sink: LogSink,
): Promise<void> {
  const built = newestMtime(join(repoRoot, output));
  if (built >= sources) return;
  sink("setup", `building ${name}…`);
  await runNpm(["run", "build", "-w", name], sink, name);
  // An incremental build leaves unchanged outputs alone; mark this one as built now, or every
  // start would build again.
  const now = new Date();
  await utimes(join(repoRoot, output), now, now);
}

export async function buildIfStale(sink: LogSink): Promise<void> {
  const rootConfig = newestMtime(join(repoRoot, "tsconfig.json"));
  const contract = Math.max(rootConfig, newestMtime(join(repoRoot, CONTRACT.name)));
  await buildWorkspace(CONTRACT, contract, sink);
  await Promise.all(
    WORKSPACES.map((workspace) =>
      buildWorkspace(
        workspace,
        Math.max(contract, newestMtime(join(repoRoot, workspace.name))),
        sink,
      ),
    ),
  );
}
