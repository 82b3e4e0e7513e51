// Prepares the machine for the tests (Chromium, Synapse, LiveKit, builds), runs the unit projects
// and then the e2e project against the real stack, and prints one closing line with the totals.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildIfStale } from "./build.ts";
import { consoleSink } from "./cli.ts";
import { repoRoot } from "./paths.ts";
import type { LogSink } from "./processes.ts";
import { ensureRedis } from "./redis.ts";
import { ensureCaddy, ensureLiveKit, ensureSynapse, MissingToolError } from "./tools.ts";

const CHROMIUM = process.env.XSTREAM_CHROMIUM ?? "/usr/bin/chromium";

/** E2e files `npm test` runs a second time with Synapse in worker mode (XSTREAM_SYNAPSE_WORKERS). */
export const WORKER_MODE_FILES = [
  "e2e/chat.browser.test.ts",
  "e2e/partners.test.ts",
  "e2e/partners.browser.test.ts",
  "e2e/calls.browser.test.ts",
];

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: "inherit", env });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/** Browser tests use Debian's Chromium; as root it is installed from Debian's packages. */
async function ensureChromium(sink: LogSink) {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new MissingToolError(
      `Chromium was not found at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium) or set XSTREAM_CHROMIUM.`,
    );
  }
  sink("setup", "installing Debian's chromium for the browser tests…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "chromium"],
  ]) {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn("apt-get", args, { stdio: "inherit", env });
      child.once("error", reject);
      child.once("exit", (status) => resolve(status ?? 1));
    });
    if (code !== 0) throw new MissingToolError(`apt-get ${args.join(" ")} failed`);
  }
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  success: boolean;
}

async function vitest(
  args: string[],
  reportName: string,
  env?: Record<string, string>,
): Promise<VitestReport | undefined> {
  const reportDir = join(repoRoot, "node_modules", ".cache", "xstream-test");
  await mkdir(reportDir, { recursive: true });
  const report = join(reportDir, `${reportName}.json`);
  const vitestBin = join(repoRoot, "node_modules", "vitest", "vitest.mjs");
  const code = await run(
    process.execPath,
    [
      vitestBin,
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...args,
    ],
    env && { ...process.env, ...env },
  );
  if (!existsSync(report)) return undefined;
  const parsed = JSON.parse(readFileSync(report, "utf8")) as VitestReport;
  // A crash outside any test still fails the run.
  return code === 0
    ? parsed
    : { ...parsed, success: false, numFailedTests: Math.max(1, parsed.numFailedTests) };
}

/**
 * What `git status` lists (untracked files one by one), or undefined outside a git checkout.
 * A test run must add nothing to it: whatever tests, builds and stacks write belongs in a
 * git-ignored folder.
 */
function gitStatus(): Set<string> | undefined {
  try {
    const output = execFileSync("git", ["status", "--porcelain", "-z", "--untracked-files=all"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return new Set(output.split("\0").filter(Boolean));
  } catch {
    return undefined;
  }
}

export async function runTests(extraArgs: string[]): Promise<number> {
  const sink = consoleSink();
  const toolsDir = process.env.XSTREAM_TOOLS_DIR ?? join(repoRoot, ".xstream", "tools");
  try {
    await ensureChromium(sink);
    await buildIfStale(sink);
    // Caddy: the edge of every stack (client/Caddyfile).
    await Promise.all([
      ensureSynapse(toolsDir, sink),
      ensureLiveKit(toolsDir, sink),
      ensureCaddy(toolsDir, sink),
      // Redis: Synapse's worker mode, which the second e2e run and synapse-workers.test.ts use.
      ensureRedis(sink),
    ]);
  } catch (error) {
    console.error(`tests could not be prepared: ${error instanceof Error ? error.message : error}`);
    return 1;
  }

  const runs: { name: string; args: string[]; env?: Record<string, string> }[] =
    extraArgs.length > 0
      ? [{ name: "selected", args: extraArgs }]
      : [
          {
            name: "unit",
            args: ["--project", "bridge-service", "--project", "client", "--project", "scripts"],
          },
          { name: "e2e", args: ["--project", "e2e"] },
          // The chat, partner and call tests once more against Synapse in worker mode.
          {
            name: "e2e-synapse-workers",
            args: ["--project", "e2e", ...WORKER_MODE_FILES],
            env: { XSTREAM_SYNAPSE_WORKERS: "all" },
          },
        ];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const statusBefore = gitStatus();
  for (const { name, args, env } of runs) {
    const report = await vitest(args, name, env);
    if (!report) {
      failed += 1;
      console.error(`${name} tests did not produce a report`);
      continue;
    }
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  }
  const statusAfter = gitStatus();
  const dirtied = [...(statusAfter ?? [])].filter((line) => !statusBefore?.has(line));
  if (statusBefore && dirtied.length > 0) {
    failed += 1;
    console.error(
      `\nthe tests left files git does not ignore (write them to a git-ignored folder):\n${dirtied.map((line) => `  ${line}`).join("\n")}`,
    );
  }
  const skippedPart = skipped > 0 ? `, ${skipped} skipped` : "";
  console.log(`\ntests: ${passed} passed, ${failed} failed${skippedPart}`);
  return failed === 0 && passed > 0 ? 0 : 1;
}
