// bridge-service as a child process, configured through its environment variables.

import { bridgeEntry } from "./paths.ts";
import type { ManagedProcess, Supervisor } from "./processes.ts";
import { answersOk } from "./processes.ts";
import type { StackSecrets } from "./secrets.ts";
import { JWT_AUDIENCE, JWT_ISSUER } from "./synapse.ts";

export interface BridgeOptions {
  /** The supervisor's name for it: `bridge`, or `bridge-2`… for further replicas. */
  part?: string;
  port: number;
  /** Loopback port of the Prometheus listener (GET /metrics), which the edge never proxies. */
  metricsPort: number;
  databaseUrl: string;
  serverName: string;
  homeserverUrl: string;
  publicUrl: string;
  livekitUrl: string;
  secrets: StackSecrets;
  logLevel: string;
  /** Extra variables, e.g. the test harness's rate limits. */
  extraEnv?: Record<string, string>;
  /** Parts whose outage makes /healthz fail (PostgreSQL, when the stack runs its own). */
  needs?: readonly string[];
}

export function bridgeEnvironment(options: BridgeOptions): Record<string, string> {
  const { secrets } = options;
  return {
    BRIDGE_HOST: "127.0.0.1",
    BRIDGE_PORT: String(options.port),
    METRICS_HOST: "127.0.0.1",
    METRICS_PORT: String(options.metricsPort),
    DATABASE_URL: options.databaseUrl,
    MATRIX_SERVER_NAME: options.serverName,
    HOMESERVER_URL: options.homeserverUrl,
    PUBLIC_URL: options.publicUrl,
    AS_ID: "xstream",
    BOT_LOCALPART: "xstream",
    AS_TOKEN: secrets.asToken,
    HS_TOKEN: secrets.hsToken,
    SESSION_SECRET: secrets.sessionSecret,
    SYNAPSE_JWT_SECRET: secrets.synapseJwtSecret,
    SYNAPSE_JWT_ISSUER: JWT_ISSUER,
    SYNAPSE_JWT_AUDIENCE: JWT_AUDIENCE,
    SYNAPSE_REGISTRATION_SHARED_SECRET: secrets.registrationSharedSecret,
    LIVEKIT_URL: options.livekitUrl,
    LIVEKIT_API_KEY: secrets.livekitApiKey,
    LIVEKIT_API_SECRET: secrets.livekitApiSecret,
    VAPID_PUBLIC_KEY: secrets.vapidPublicKey,
    VAPID_PRIVATE_KEY: secrets.vapidPrivateKey,
    LOG_LEVEL: options.logLevel,
    ...options.extraEnv,
  };
}

export async function startBridge(
  supervisor: Supervisor,
  options: BridgeOptions,
): Promise<{ process: ManagedProcess; url: string; metricsUrl: string; ready: Promise<void> }> {
  const env = { PATH: process.env.PATH ?? "", ...bridgeEnvironment(options) };
  const url = `http://127.0.0.1:${options.port}`;
  const part = options.part ?? "bridge";
  const managed = await supervisor.start(part, process.execPath, [bridgeEntry], {
    env,
    // /healthz answers only when the bridge also reaches its database.
    health: { check: () => answersOk(`${url}/healthz`), startupMs: 60_000, needs: options.needs },
  });
  const ready = supervisor.ready(managed, part === "bridge" ? "bridge-service" : part);
  return { process: managed, url, metricsUrl: `http://127.0.0.1:${options.metricsPort}`, ready };
}
