import { createECDH } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateSecrets } from "./secrets.ts";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("loadOrCreateSecrets: the Web Push VAPID keys", () => {
  it("makes a matching P-256 pair once, kept in secrets.json (mode 600) on later starts", async () => {
    dir = await mkdtemp(join(tmpdir(), "xstream-secrets-"));
    const first = await loadOrCreateSecrets(dir);
    expect(Buffer.from(first.vapidPublicKey, "base64url")).toHaveLength(65);
    expect(Buffer.from(first.vapidPrivateKey, "base64url")).toHaveLength(32);
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(first.vapidPrivateKey, "base64url"));
    expect(ecdh.getPublicKey("base64url")).toBe(first.vapidPublicKey);
    expect((await stat(join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSecrets(dir)).toEqual(first);
  });

  it("replaces a half pair with a fresh pair, keeping the other secrets", async () => {
    dir = await mkdtemp(join(tmpdir(), "xstream-secrets-"));
    const first = await loadOrCreateSecrets(dir);
    const file = join(dir, "secrets.json");
    const { vapidPrivateKey: _dropped, ...rest } = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify(rest));
    const second = await loadOrCreateSecrets(dir);
    expect(second.vapidPublicKey).not.toBe(first.vapidPublicKey);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(second.vapidPrivateKey, "base64url"));
    expect(ecdh.getPublicKey("base64url")).toBe(second.vapidPublicKey);
  });
});
