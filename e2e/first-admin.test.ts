// The first admin is an account the operator names (BOOTSTRAP_ADMIN / XSTREAM_ADMIN), made admin
// when the bridge starts and finds it; registering that name first earns nothing.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { useBridgeDatabase } from "./database.ts";
import { withExtraBridge } from "./extra-bridge.ts";
import { TEST_BOOTSTRAP_ADMIN } from "./harness.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const db = useBridgeDatabase();

const roleOf = async (username: string) =>
  (await db().query<{ role: string }>("SELECT role FROM accounts WHERE username = $1", [username]))
    .rows[0]?.role;

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

    // An operator restarts the bridge naming the account (in any case).
    const output = await withExtraBridge(
      stack,
      { BOOTSTRAP_ADMIN: username.toUpperCase() },
      async (bridge) => {
        await expect.poll(bridge.output).toContain("BOOTSTRAP_ADMIN is an admin");
        return bridge.output();
      },
    );
    expect(output).not.toContain(stack.hsToken);
    expect(await roleOf(username)).toBe("admin");
    // The running bridge reads the role on every request: no new sign-in needed.
    const session = await learner.request<{ user: { role: string } }>("GET", "/api/auth/session");
    expect(session.body.user.role).toBe("admin");
    expect((await learner.request("GET", "/api/reports")).status).toBe(200);
  });
});
