// The REST API under a schema-driven fuzzer: schemathesis (PyPI) generates valid and invalid
// requests for every operation of the OpenAPI document at /api/docs and sends them to the real
// stack as signed-in learners. Its checks (no 5xx, answers as documented, authentication
// enforced) run with two of ours from e2e/api-fuzz/xstream_hooks.py: every 4xx is
// `{errcode, error}` JSON, and a refused request left the bridge's database exactly as it was.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { repoRoot } from "../scripts/stack/paths.ts";
import { ensureSchemathesis } from "../scripts/stack/tools.ts";
import { toolsDir } from "./harness.ts";
import { uniqueName } from "./learners.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const MIN_CASES = 100;
// Generous for a loaded 2-core machine; the run takes 1–2 minutes.
const RUN_TIMEOUT_MS = 280_000;

interface OperationSummary {
  cases: number;
  statuses: Record<string, number>;
  refused_checked: number;
  accepted_writes: number;
  seconds: number;
  server_errors: string[];
}

interface FuzzSummary {
  operations: Record<string, OperationSummary>;
  late_writes: string[];
}

interface Account {
  username: string;
  password: string;
  userId: string;
  session: WebSession;
}

async function signUp(prefix: string): Promise<Account> {
  const username = uniqueName(prefix);
  const password = strongPassword();
  const session = new WebSession(stack.publicUrl);
  const response = await session.signup(username, password, `Fuzz ${prefix}`);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { username, password, userId: response.body.user.matrixUserId, session };
}

async function expectOk(
  account: Account,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await account.session.request(method, path, body);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body;
}

// Faroese and Maltese: no other test uses them, so suggestions stay among these learners.
const profile = (native: string, learning: string) => ({
  native: [native],
  learning: [{ language: learning, level: "B1" }],
  interests: ["chess"],
  timezone: "Atlantic/Faroe",
  availability: [{ day: 1, start: "18:00", end: "21:00" }],
  bio: "",
  discoverable: true,
});

/**
 * The fuzzed learner has something in every table a request could damage: a profile, an
 * outgoing and an incoming request, a partner, a block and a report. A refused request that
 * half-wrote, deleted or overwrote any of it changes the database digest the hooks compare.
 */
async function learnerWithHistory(): Promise<Account> {
  const [learner, asked, asking, partner] = await Promise.all(
    ["fuzzer", "asked", "asking", "partner"].map(signUp),
  );
  if (!learner || !asked || !asking || !partner) throw new Error("sign-up failed");
  await expectOk(learner, "PUT", "/api/profile", profile("fo", "mt"));
  for (const other of [asked, asking, partner]) {
    await expectOk(other, "PUT", "/api/profile", profile("mt", "fo"));
  }
  await expectOk(learner, "POST", "/api/partners/requests", { user_id: asked.userId });
  await expectOk(asking, "POST", "/api/partners/requests", { user_id: learner.userId });
  const { request } = (await expectOk(partner, "POST", "/api/partners/requests", {
    user_id: learner.userId,
  })) as { request: { id: string } };
  await expectOk(learner, "POST", `/api/partners/requests/${request.id}/accept`);
  await expectOk(learner, "POST", "/api/blocks", { user_id: "@nuisance:example.org" });
  await expectOk(learner, "POST", "/api/reports", {
    user_id: "@nuisance:example.org",
    reason: "spam",
  });
  return learner;
}

// The push gateway is for the homeserver on the internal network: the edge does not route it, so
// it is fuzzed at the bridge's own address.
const INTERNAL_PATH = "/_matrix/push/v1/notify";

function runSchemathesis(st: string, env: NodeJS.ProcessEnv, cwd: string, internal: boolean) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      st,
      [
        "--config-file",
        join(repoRoot, "e2e", "api-fuzz", "schemathesis.toml"),
        "run",
        `${stack.publicUrl}/api/docs`,
        ...(internal
          ? ["--url", stack.bridgeUrl, "--include-path", INTERNAL_PATH]
          : // Every other operation: without a filter, schemathesis leaves out the one serving
            // the document.
            ["--include-path-regex", "^/", "--exclude-path", INTERNAL_PATH]),
        // The bridge refuses cookie-authenticated writes from other origins (originPolicy.ts).
        "--header",
        `Origin: ${stack.publicUrl}`,
        "--no-color",
      ],
      { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("the REST API under schemathesis", () => {
  let st: string;
  beforeAll(async () => {
    st = await ensureSchemathesis(toolsDir, (part, line) => console.log(`[${part}] ${line}`));
  });

  it(
    "answers every operation's generated requests without a 5xx, with {errcode, error} refusals that write nothing",
    async () => {
      const learner = await learnerWithHistory();
      // Their own learners for the operations that end a session (refresh rotates, logout ends).
      const [refreshing, signingOut] = await Promise.all([signUp("refresh"), signUp("logout")]);
      if (!refreshing || !signingOut) throw new Error("sign-up failed");
      const access = learner.session.cookies.get("xs_access");
      if (!access) throw new Error("the learner has no access cookie");

      const workDir = await mkdtemp(join(tmpdir(), "xstream-fuzz-"));
      const started = Date.now();
      const env = (summaryFile: string): NodeJS.ProcessEnv => ({
        ...process.env,
        PYTHONPATH: join(repoRoot, "e2e", "api-fuzz"),
        // No __pycache__ next to the hooks in the working tree.
        PYTHONDONTWRITEBYTECODE: "1",
        XS_FUZZ_ORIGIN: stack.publicUrl,
        XS_FUZZ_DATABASE_URL: stack.databaseUrl,
        XS_FUZZ_ACCESS: access,
        XS_FUZZ_REFRESH_USER: refreshing.username,
        XS_FUZZ_REFRESH_PASSWORD: refreshing.password,
        XS_FUZZ_LOGOUT_USER: signingOut.username,
        XS_FUZZ_LOGOUT_PASSWORD: signingOut.password,
        XS_FUZZ_SUMMARY: summaryFile,
      });
      const runs = [];
      for (const internal of [false, true]) {
        const summaryFile = join(workDir, `summary-${internal ? "internal" : "public"}.json`);
        const { code, output } = await runSchemathesis(st, env(summaryFile), workDir, internal);
        const summary = JSON.parse(await readFile(summaryFile, "utf8")) as FuzzSummary;
        runs.push({ code, output, summary });
      }
      const seconds = Math.round((Date.now() - started) / 1000);
      await rm(workDir, { recursive: true, force: true });
      const operations = Object.assign({}, ...runs.map((run) => run.summary.operations)) as Record<
        string,
        OperationSummary
      >;
      const lateWrites = runs.flatMap((run) => run.summary.late_writes);
      const total = Object.values(operations).reduce((sum, op) => sum + op.cases, 0);
      console.log(
        `api fuzz: ${total} cases over ${Object.keys(operations).length} operations in ${seconds} s`,
      );
      for (const [label, op] of Object.entries(operations)) {
        console.log(`  ${label}: ${op.cases} cases ${JSON.stringify(op.statuses)}`);
      }

      // schemathesis's verdict, with its report (each failure with a curl command) on failure.
      for (const { code, output } of runs) expect(code, output.slice(-6000)).toBe(0);

      // Every documented operation, at least MIN_CASES cases each.
      const docs = await new WebSession(stack.publicUrl).request<{
        paths: Record<string, Record<string, unknown>>;
      }>("GET", "/api/docs");
      const documented = Object.entries(docs.body.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => key !== "parameters")
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.length).toBeGreaterThan(20);
      for (const operation of documented) {
        expect(operations[operation]?.cases ?? 0, operation).toBeGreaterThanOrEqual(MIN_CASES);
      }

      const serverErrors = Object.entries(operations).flatMap(([label, op]) =>
        op.server_errors.map((error) => `${label}: ${error}`),
      );
      expect(serverErrors).toEqual([]);
      for (const [label, op] of Object.entries(operations)) {
        const fives = Object.entries(op.statuses).filter(([status]) => Number(status) >= 500);
        expect(fives, label).toEqual([]);
      }

      // The write check is not vacuous: it watched many refusals of each writing operation, and
      // the same digest did register the writes that accepted requests of them made.
      for (const operation of [
        "PUT /api/profile",
        "POST /api/blocks",
        "DELETE /api/blocks/{user}",
        "POST /api/reports",
        "POST /api/partners/requests",
        "POST /api/partners/requests/{id}/accept",
        "POST /api/partners/requests/{id}/decline",
        "POST /api/auth/password",
        "POST /api/auth/signup",
        "POST /api/auth/refresh",
      ]) {
        expect(operations[operation]?.refused_checked ?? 0, operation).toBeGreaterThanOrEqual(20);
      }
      for (const operation of [
        "PUT /api/profile",
        "POST /api/blocks",
        "POST /api/reports",
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
      ]) {
        expect(operations[operation]?.accepted_writes ?? 0, operation).toBeGreaterThan(0);
      }
      // Nor did anything land after a refusal was answered.
      expect(lateWrites).toEqual([]);
    },
    RUN_TIMEOUT_MS + 120_000,
  );
});
