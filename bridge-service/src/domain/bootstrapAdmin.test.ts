import { describe, expect, it } from "vitest";
import { createTestAuth, GOOD_PASSWORD } from "../testing/authHarness.js";
import { applyBootstrapAdmin, signUp } from "./accounts.js";

const client = { ip: "203.0.113.7" };

describe("the first admin (BOOTSTRAP_ADMIN)", () => {
  it("is never granted at sign-up, even to the name the operator chose", async () => {
    const t = createTestAuth();
    const account = await signUp(
      t.auth,
      { username: "Boss", password: GOOD_PASSWORD, displayName: "Boss" },
      client,
    );
    expect(account.role).toBe("user");
  });

  it("promotes an existing account at start-up, case-insensitively and idempotently", async () => {
    const t = createTestAuth();
    await signUp(t.auth, { username: "boss", password: GOOD_PASSWORD, displayName: "B" }, client);
    expect(await applyBootstrapAdmin(t.accounts, " BOSS ")).toBe("promoted");
    expect((await t.accounts.findByUsername("boss"))?.role).toBe("admin");
    expect(await applyBootstrapAdmin(t.accounts, "boss")).toBe("already_admin");
  });

  it("reports a name with no account, and an unset setting, without creating anything", async () => {
    const t = createTestAuth();
    expect(await applyBootstrapAdmin(t.accounts, "nobody")).toBe("no_such_account");
    expect(await applyBootstrapAdmin(t.accounts, undefined)).toBe("not_set");
    expect(t.accounts.accounts.size).toBe(0);
  });
});
