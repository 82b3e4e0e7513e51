// Secrets are generated on first run and kept in the state folder (mode 0600), so a second
// start reuses the same users, rooms and tokens. They are never printed.
import { createECDH, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface StackSecrets {
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
  synapseJwtSecret: string;
  asToken: string;
  hsToken: string;
  sessionSecret: string;
  livekitApiKey: string;
  livekitApiSecret: string;
  postgresSuperuserPassword: string;
  bridgeDatabasePassword: string;
  /** Synapse's own PostgreSQL role. */
  synapseDatabasePassword: string;
  /** Authenticates Synapse's replication traffic between its processes (worker mode). */
  workerReplicationSecret: string;
  /** Web Push's VAPID key pair (P-256, base64url), made together. */
  vapidPublicKey: string;
  vapidPrivateKey: string;
}

type VapidName = "vapidPublicKey" | "vapidPrivateKey";

const SECRET_NAMES: readonly Exclude<keyof StackSecrets, VapidName>[] = [
  "registrationSharedSecret",
  "macaroonSecretKey",
  "formSecret",
  "synapseJwtSecret",
  "asToken",
  "hsToken",
  "sessionSecret",
  "livekitApiKey",
  "livekitApiSecret",
  "postgresSuperuserPassword",
  "bridgeDatabasePassword",
  "synapseDatabasePassword",
  "workerReplicationSecret",
];

function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

function newSecret(name: keyof StackSecrets): string {
  // LiveKit API keys are identifiers, not secrets; keep them short and recognisable.
  return name === "livekitApiKey" ? `xs${randomBytes(6).toString("hex")}` : randomToken();
}

/** A VAPID key pair as web-push and browsers take it: the public key uncompressed. */
function newVapidKeys(): Record<VapidName, string> {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    vapidPublicKey: ecdh.getPublicKey().toString("base64url"),
    // getPrivateKey() drops leading zero bytes; VAPID wants all 32.
    vapidPrivateKey: Buffer.from(ecdh.getPrivateKey("hex").padStart(64, "0"), "hex").toString(
      "base64url",
    ),
  };
}

/** Loads the secrets file, adding any secret that is missing (e.g. after an upgrade). */
export async function loadOrCreateSecrets(stateDir: string): Promise<StackSecrets> {
  const file = join(stateDir, "secrets.json");
  const stored: Partial<Record<keyof StackSecrets, unknown>> = existsSync(file)
    ? JSON.parse(await readFile(file, "utf8"))
    : {};
  let changed = false;
  const secrets = {} as StackSecrets;
  for (const name of SECRET_NAMES) {
    const value = stored[name];
    if (typeof value === "string" && value.length > 0) {
      secrets[name] = value;
    } else {
      secrets[name] = newSecret(name);
      changed = true;
    }
  }
  const { vapidPublicKey, vapidPrivateKey } = stored;
  if (
    typeof vapidPublicKey === "string" &&
    vapidPublicKey.length > 0 &&
    typeof vapidPrivateKey === "string" &&
    vapidPrivateKey.length > 0
  ) {
    Object.assign(secrets, { vapidPublicKey, vapidPrivateKey });
  } else {
    Object.assign(secrets, newVapidKeys());
    changed = true;
  }
  if (changed) {
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  await chmod(file, 0o600);
  return secrets;
}

/** A Synapse signing key line: `ed25519 <key id> <unpadded base64 of the 32-byte seed>`. */
export function newSynapseSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = der.subarray(der.length - 32);
  const keyId = `a_${randomBytes(3).toString("base64url").slice(0, 4)}`;
  return `ed25519 ${keyId} ${seed.toString("base64").replace(/=+$/, "")}\n`;
}
