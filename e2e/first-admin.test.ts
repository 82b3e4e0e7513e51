// The first admin is an account the operator names (BOOTSTRAP_ADMIN / XSTREAM_ADMIN), made admin
// when the bridge starts and finds it; registering that name first earns nothing.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { bridgeEnvironment } from "../scripts/stack/bridge.ts";
import { bridgeEntry } from "../scripts/stack/paths.ts";
import { freeTcpPort } from "../scripts/stack/ports.ts";
import { loadOrCreateSecrets } from "../scripts/stack/secrets.ts";
import { useBridgeDatabase } from "./database.ts";
import { TEST_BOOTSTRAP_ADMIN } from "./harness.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const db = useBridgeDatabase();

const roleOf = async (username: string) =>
  (await db().query<{ role: string }>("SELECT role FROM accounts WHERE username = $1", [username]))
    .rows[0]?.role;

/**
 * Starts a second bridge-service on the test stack's database with BOOTSTRAP_ADMIN set, as an
 * operator's restart would, until `done` holds; then stops it. Its homeserver URL points at a
 * closed port so it does no Matrix work next to the stack's own bridge.
 */
async function restartedBridge(bootstrapAdmin: string, done: () => Promise<boolean>) {
  const port = await freeTcpPort();
  const env = bridgeEnvironment({
    port,
    databaseUrl: stack.databaseUrl,
    serverName: stack.serverName,
    homeserverUrl: `http://127.0.0.1:${await freeTcpPort()}`,
    publicUrl: stack.publicUrl,
    livekitUrl: stack.livekitWsUrl,
    secrets: await loadOrCreateSecrets(stack.stateDir),
    logLevel: "info",
    extraEnv: { BOOTSTRAP_ADMIN: bootstrapAdmin },
  });
  const child = spawn(process.execPath, [bridgeEntry], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    const deadline = Date.now() + 30_000;
    while (!(await done())) {
      if (child.exitCode !== null) throw new Error(`the bridge exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for the bridge:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return output;
  } finally {
    child.kill("SIGTERM");
  }
}

describe("the first admin", () => {
  it("is not whoever signs up first with the operator's chosen name", async () => {
    // The stack's bridge started with BOOTSTRAP_ADMIN naming no account, and said so.
    const log = await readFile(join(stack.logsDir, "bridge.log"), "utf8");
    const warning = log
      .split("\n")
      .find((line) => line.includes("BOOTSTRAP_ADMIN names no existing account"));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning ?? "{}")).toMatchObject({ level: 40 });

    const squatter = new WebSession(stack.publicUrl);
    const signup = await squatter.signup(TEST_BOOTSTRAP_ADMIN, strongPassword());
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    expect(signup.body.user.role).toBe("user");
    expect((await squatter.request("GET", "/api/reports")).status).toBe(403);
    expect(await roleOf(TEST_BOOTSTRAP_ADMIN)).toBe("user");
  });

  it("is an existing account the operator names, made admin when the bridge starts", async () => {
    const username = `chosen${Date.now().toString(36)}`;
    const learner = new WebSession(stack.publicUrl);
    expect((await learner.signup(username, strongPassword())).status).toBe(201);
    expect((await learner.request("GET", "/api/reports")).status).toBe(403);

    const output = await restartedBridge(
      username.toUpperCase(),
      async () => (await roleOf(username)) === "admin",
    );
    expect(output).toContain("BOOTSTRAP_ADMIN is an admin");
    // The running bridge reads the role on every request: no new sign-in needed.
    const session = await learner.request<{ user: { role: string } }>("GET", "/api/auth/session");
    expect(session.body.user.role).toBe("admin");
    expect((await learner.request("GET", "/api/reports")).status).toBe(200);
  });
});
