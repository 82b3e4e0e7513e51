import { randomBytes } from "node:crypto";
import { type Algorithm, hash, type Options, verify } from "@node-rs/argon2";

/**
 * argon2id with OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1).
 *
 * Measured on the development machine (2 vCPUs, Node 20, @node-rs/argon2 2.x): one hash or
 * verify takes ~5 ms (median of 10; 4.6 ms best), 16 concurrent hashes finish in ~95 ms, so a
 * single bridge sustains well over 100 logins/s. m = 64 MiB, t = 3 costs ~44 ms and 16 in
 * ~1.1 s (~15 logins/s) — too slow to share two cores with Synapse — and memory, not time, is
 * what makes GPU guessing expensive: 19 MiB per guess already defeats cheap parallel hardware.
 * Memory stays bounded at 19 MiB × the libuv pool (4 threads) ≈ 76 MiB. The same password
 * also lives in Synapse as bcrypt (cost 12), so a stolen bridge database is not the weaker
 * copy. Parameters are stored in each hash: raise them here and `needsRehash` upgrades
 * accounts at their next login.
 */
export const PASSWORD_HASH_OPTIONS: Readonly<Options> = {
  // Algorithm.Argon2id: a const enum, which isolatedModules cannot inline.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/** False for a wrong password and for a hash that cannot be parsed. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throw-away hash made with the current parameters, so a login for an unknown
 * username costs the same time as one for a known username with a wrong password.
 */
export async function verifyAgainstDummyHash(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  await verifyPassword(await dummyHash, password);
}

/** True if `storedHash` was made with other parameters than the current ones. */
export function needsRehash(storedHash: string): boolean {
  const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_OPTIONS;
  return !storedHash.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
}
