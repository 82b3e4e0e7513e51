import { describe, expect, it } from "vitest";
import {
  hashPassword,
  needsRehash,
  PASSWORD_HASH_OPTIONS,
  verifyAgainstDummyHash,
  verifyPassword,
} from "./passwords.js";

describe("passwords", () => {
  it("hashes with argon2id and the chosen parameters, salted", async () => {
    const a = await hashPassword("river-otter-lantern-42");
    const b = await hashPassword("river-otter-lantern-42");
    const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_OPTIONS;
    expect(a).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${memoryCost},t=${timeCost},p=${parallelism}\\$`),
    );
    expect(a).not.toBe(b);
    expect(needsRehash(a)).toBe(false);
  });

  it("verifies the right password only, and treats garbage hashes as a mismatch", async () => {
    const stored = await hashPassword("river-otter-lantern-42");
    expect(await verifyPassword(stored, "river-otter-lantern-42")).toBe(true);
    expect(await verifyPassword(stored, "River-otter-lantern-42")).toBe(false);
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
    await expect(verifyAgainstDummyHash("anything")).resolves.toBeUndefined();
  });

  it("flags hashes made with other parameters for re-hashing", () => {
    expect(needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA")).toBe(true);
    expect(needsRehash("$2b$12$abcdefghijklmnopqrstuv")).toBe(true);
  });
});
