// A newcomer clones Xstream into a private folder (mode 700, like root's home) and runs `npm start`
// unchanged: npm packages install without touching package-lock.json, PostgreSQL (which runs as an
// unprivileged user) works, sign-up and sign-in work, and after Ctrl-C `git status` is clean.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../scripts/stack/paths.ts";
import { removeLinkedData, SYSTEM_DIR } from "../scripts/stack/postgres-place.ts";
import { freeStackPorts, removeStateDir } from "./harness.ts";
import { envFor, npmStart, processesOf, readyUrl, type StartRun } from "./npm-start.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * `git clone` of this checkout, with its uncommitted changes committed in the clone, so the clone
 * holds exactly the tree under test and a clean `git status` to start from.
 */
async function cloneCurrentTree(into: string) {
  git(repoRoot, "clone", "--quiet", "--no-checkout", repoRoot, into);
  git(into, "checkout", "--quiet", git(repoRoot, "rev-parse", "HEAD").trim());
  const list = (...args: string[]) =>
    git(repoRoot, "ls-files", "-z", ...args)
      .split("\0")
      .filter(Boolean);
  const changed = list("--modified", "--others", "--exclude-standard");
  for (const file of changed) {
    if (existsSync(join(repoRoot, file))) {
      await mkdir(dirname(join(into, file)), { recursive: true });
      await copyFile(join(repoRoot, file), join(into, file));
    } else {
      await rm(join(into, file), { force: true });
    }
  }
  if (changed.length > 0) {
    git(into, "add", "--all");
    git(
      into,
      ...["-c", "user.name=xstream-test", "-c", "user.email=test@localhost"],
      ...["commit", "--quiet", "--no-verify", "--message", "uncommitted changes under test"],
    );
  }
}

/**
 * The builds of this checkout, which `npm test` has just brought up to date from the same tree:
 * building again in the clone would only spend a minute of CPU (build outputs are git-ignored).
 */
async function copyBuilds(into: string) {
  const now = new Date();
  for (const [folder, output] of [
    ["bridge-service/dist", "bridge-service/dist/main.js"],
    ["client/dist", "client/dist/index.html"],
  ] as const) {
    if (!existsSync(join(repoRoot, output))) continue;
    await cp(join(repoRoot, folder), join(into, folder), { recursive: true });
    await utimes(join(into, output), now, now);
  }
}

describe("npm start from a clone in a private folder", () => {
  let privateDir: string;
  let clone: string;
  let run: StartRun | undefined;

  beforeAll(async () => {
    privateDir = await mkdtemp(join(tmpdir(), "xstream-private-"));
    clone = join(privateDir, "xstream");
    await cloneCurrentTree(clone);
    await copyBuilds(clone);
  });

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill("SIGINT");
      await run.exited;
    }
    // PostgreSQL's data went to the system folder: it belongs to this clone only.
    if (!process.env.XSTREAM_KEEP_TEST_STATE) await removeLinkedData(join(clone, ".xstream"));
    await removeStateDir(privateDir);
  });

  it("installs, starts, signs a learner up and in, and leaves git status clean", async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    // `npm start` as it is: the default state folder (.xstream in the clone), only ports and the
    // shared tools folder set, so other stacks on this machine are left alone.
    const env = envFor(join(clone, ".xstream"), await freeStackPorts());
    delete env.XSTREAM_STATE_DIR;
    run = npmStart(env, clone);
    const url = await readyUrl(run, 480_000);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const username = `newcomer${Date.now().toString(36)}`;
    const password = strongPassword();
    expect((await new WebSession(url).signup(username, password)).status).toBe(201);
    const signIn = await new WebSession(url).login(username, password);
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.username).toBe(username);

    const stateDir = join(clone, ".xstream");
    const link = join(stateDir, "postgres");
    if (process.getuid?.() === 0) {
      // PostgreSQL runs as an unprivileged user: its data left the private folder.
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(realpathSync(link)).toMatch(
        new RegExp(`^${SYSTEM_DIR}/state/[0-9a-f-]{36}/postgres$`),
      );
    } else {
      // PostgreSQL runs as this user, who can reach the private folder: nothing moves.
      expect(lstatSync(link).isDirectory()).toBe(true);
    }
    // The private folder stays private.
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    // A killed run's PostgreSQL is recognised by its state folder on the command line.
    const pid = readFileSync(join(stateDir, "run", "postgres.pid"), "utf8").trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain(stateDir);

    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(processesOf(stateDir)).toEqual([]);
    expect(git(clone, "status", "--porcelain")).toBe("");
  }, 600_000);
});
