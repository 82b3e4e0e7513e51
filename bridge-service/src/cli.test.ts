import { describe, expect, it } from "vitest";
import { runCli } from "./cli.js";

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    env,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

describe("cli", () => {
  it("prints usage for unknown commands or missing arguments", async () => {
    for (const args of [
      [],
      ["make-admin", "ana"],
      ["set-role", "ana"],
      ["set-role", "a", "admin", "x"],
    ]) {
      const result = await run(args, { DATABASE_URL: "postgres://x/y" });
      expect(result.code).toBe(2);
      expect(result.err.join("\n")).toMatch(
        /usage: .*set-role <username> <user\|moderator\|admin>/,
      );
    }
  });

  it("refuses unknown roles and a missing DATABASE_URL before touching a database", async () => {
    const badRole = await run(["set-role", "ana", "owner"], { DATABASE_URL: "postgres://x/y" });
    expect(badRole).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/unknown role "owner"/)],
    });
    const noDb = await run(["set-role", "ana", "admin"]);
    expect(noDb).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/DATABASE_URL is not set/)],
    });
  });

  it("refuses bans of what is not a user id, or of another server's users, before touching a database", async () => {
    for (const args of [["ban"], ["unban"], ["unban", "@a:b.example", "x"], ["bans", "x"]]) {
      expect((await run(args, { DATABASE_URL: "postgres://x/y" })).code).toBe(2);
    }
    expect(await run(["ban", "ana", "spam"], { DATABASE_URL: "postgres://x/y" })).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/not a Matrix user id/)],
    });
    expect(
      await run(["ban", "@ana:b.example"], {
        DATABASE_URL: "postgres://x/y",
        MATRIX_SERVER_NAME: "a.example",
      }),
    ).toMatchObject({ code: 2, err: [expect.stringMatching(/only its own learners/)] });
  });
});
