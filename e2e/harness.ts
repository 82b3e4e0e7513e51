// The one test harness: a throw-away stack (PostgreSQL, LiveKit, Synapse, bridge-service, the Caddy
// edge) on free loopback ports in a temporary folder, started by the same code as `npm start`.
// XSTREAM_BRIDGE_REPLICAS=2 runs every stack with two bridges behind the edge.
import { appendFileSync, mkdirSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { StackEmail } from "../scripts/stack/email.ts";
import { ensureFederationTls } from "../scripts/stack/federationTls.ts";
import { repoRoot } from "../scripts/stack/paths.ts";
import { freeTcpPort, freeUdpRange } from "../scripts/stack/ports.ts";
import { BRIDGE_ROLE } from "../scripts/stack/postgres.ts";
import { removeLinkedData } from "../scripts/stack/postgres-place.ts";
import type { LogSink, SupervisionSettings } from "../scripts/stack/processes.ts";
import {
  type BridgePorts,
  type RunningStack,
  type StackPorts,
  startStack,
} from "../scripts/stack/stack.ts";
import { parseWorkerRoles, type WorkerRole } from "../scripts/stack/synapseWorkers.ts";

/** What tests get to know about the running stack (plain data: it crosses into test workers). */
export interface StackInfo {
  serverName: string;
  publicUrl: string;
  synapseUrl: string;
  bridgeUrl: string;
  /** The bridge's Prometheus listener (loopback only, not behind the edge). */
  metricsUrl: string;
  livekitUrl: string;
  livekitWsUrl: string;
  databaseUrl: string;
  /** Synapse's own database (tests that play a clock forward in it). */
  synapseDatabaseUrl?: string;
  /** Synapse's workers (XSTREAM_SYNAPSE_WORKERS), empty for one process. */
  synapseWorkers: readonly WorkerRole[];
  /** A second, empty database on the same server for tests that own their tables. */
  storeTestDatabaseUrl: string;
  stateDir: string;
  logsDir: string;
  asToken: string;
  hsToken: string;
  registrationSharedSecret: string;
  livekitApiKey: string;
  livekitApiSecret: string;
  ports: StackPorts;
}

export interface TestStack {
  info: StackInfo;
  /** The running stack itself, for tests that hold or kill single processes. */
  running: RunningStack;
  /** Stops this stack's Synapse alone and starts it again once `whileDown` has finished. */
  restartSynapse(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the bridge and starts it again, with `env` added to its settings. */
  restartBridge(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

// Synapse's defaults are right for production but throttle a test that logs in and sends in bursts.
const generous = { per_second: 1000, burst_count: 1000 };
export const TEST_RATE_LIMITS = {
  rc_message: generous,
  rc_registration: generous,
  rc_login: { address: generous, account: generous, failed_attempts: generous },
  rc_joins: { local: generous, remote: generous },
  rc_joins_per_room: generous,
  rc_invites: { per_room: generous, per_user: generous, per_issuer: generous },
  rc_delayed_event_mgmt: generous,
  rc_presence: { per_user: generous },
  rc_room_creation: generous,
  rc_media_create: generous,
  rc_reports: generous,
  rc_3pid_validation: generous,
};

// Every test talks to the bridge from 127.0.0.1; per-address limits would throttle the suite, so
// they are raised here. Per-account limits keep their production defaults (tests use fresh names).
/** The test stack's BOOTSTRAP_ADMIN: no such account exists when the stack starts. */
export const TEST_BOOTSTRAP_ADMIN = "operatorchoice";

export const TEST_BRIDGE_ENV = {
  BOOTSTRAP_ADMIN: TEST_BOOTSTRAP_ADMIN,
  RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: "100000",
  RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE: "100000",
  RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE: "100000",
  RATE_LIMIT_PASSWORD_FAILURES_PER_ADDRESS: "100000",
};

export const toolsDir = process.env.XSTREAM_TOOLS_DIR ?? join(repoRoot, ".xstream", "tools");

/** Bridges per test stack: XSTREAM_BRIDGE_REPLICAS, as for npm start. */
export const TEST_BRIDGE_REPLICAS = Number(process.env.XSTREAM_BRIDGE_REPLICAS || 1);

export async function freeStackPorts(bridgeReplicas = TEST_BRIDGE_REPLICAS): Promise<StackPorts> {
  const udpStart = await freeUdpRange(10);
  const metrics = await freeTcpPort();
  const replicas: BridgePorts[] = [];
  for (let index = 0; bridgeReplicas > 1 && index < bridgeReplicas; index++) {
    replicas.push({
      bridge: await freeTcpPort(),
      metrics: index === 0 ? metrics : await freeTcpPort(),
    });
  }
  return {
    ...(replicas.length > 0 ? { bridgeReplicas: replicas } : {}),
    edge: await freeTcpPort(),
    synapse: await freeTcpPort(),
    bridge: await freeTcpPort(),
    metrics,
    livekit: await freeTcpPort(),
    livekitRtcTcp: await freeTcpPort(),
    livekitUdpStart: udpStart,
    livekitUdpEnd: udpStart + 9,
    postgres: await freeTcpPort(),
  };
}

export function fileSink(logsDir: string): LogSink {
  mkdirSync(logsDir, { recursive: true });
  return (part, line) => appendFileSync(join(logsDir, `${part}.log`), `${line}\n`);
}

export async function startTestStack(
  options: {
    stateDir?: string;
    ports?: StackPorts;
    bridgeEnv?: Record<string, string>;
    /** Shorter watchdog and restart timings for tests that kill parts. */
    supervision?: Partial<SupervisionSettings>;
    serverName?: string;
    federation?: { port: number; tlsDir: string; peerOrigins?: readonly string[] };
    /** Bridges behind the edge; XSTREAM_BRIDGE_REPLICAS unless given. */
    bridgeReplicas?: number;
    /** SMTP for Synapse and the bridge (the email tests' local SMTP server). */
    email?: StackEmail;
    /** Default: XSTREAM_SYNAPSE_WORKERS, so the suite can run against worker mode too. */
    synapseWorkers?: readonly WorkerRole[];
    /** Synapse on SQLite, as earlier versions ran it (upgrade tests). */
    synapseOnSqlite?: boolean;
  } = {},
): Promise<TestStack> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "xstream-test-")));
  const logsDir = join(stateDir, "logs");
  const ports = options.ports ?? (await freeStackPorts(options.bridgeReplicas));
  const synapseWorkers =
    options.synapseWorkers ?? parseWorkerRoles(process.env.XSTREAM_SYNAPSE_WORKERS);
  const stack = await startStack({
    stateDir,
    toolsDir,
    serverName: options.serverName ?? "localhost",
    ports,
    federation: options.federation,
    email: options.email,
    sink: fileSink(logsDir),
    verbose: false,
    synapseOverrides: TEST_RATE_LIMITS,
    synapseWorkers,
    synapseOnSqlite: options.synapseOnSqlite,
    throwAwayDatabase: true,
    bridgeEnv: { ...TEST_BRIDGE_ENV, ...options.bridgeEnv },
    supervision: options.supervision,
  }).catch((error: unknown) => {
    throw new Error(`test stack did not start (logs in ${logsDir}): ${String(error)}`);
  });
  return {
    info: {
      serverName: stack.serverName,
      publicUrl: stack.publicUrl,
      synapseUrl: stack.synapseUrl,
      bridgeUrl: stack.bridgeUrl,
      metricsUrl: stack.metricsUrl,
      livekitUrl: stack.livekitUrl,
      livekitWsUrl: stack.livekitWsUrl,
      databaseUrl: stack.databaseUrl,
      synapseDatabaseUrl: stack.synapseDatabaseUrl,
      synapseWorkers,
      storeTestDatabaseUrl: await createScratchDatabase(stack, "xstream_store_test"),
      stateDir,
      logsDir,
      asToken: stack.secrets.asToken,
      hsToken: stack.secrets.hsToken,
      registrationSharedSecret: stack.secrets.registrationSharedSecret,
      livekitApiKey: stack.secrets.livekitApiKey,
      livekitApiSecret: stack.secrets.livekitApiSecret,
      ports,
    },
    running: stack,
    restartSynapse: (whileDown) => stack.restartSynapse(whileDown),
    restartBridge: (env) => stack.restartBridge(env),
    async stop() {
      await stack.stop();
    },
  };
}

export interface TestFederation {
  /** Two organisations' stacks, named `localhost:<port>` after their federation listeners. */
  a: TestStack;
  b: TestStack;
  stop(): Promise<void>;
}

export interface TestOrganisations<K extends string> {
  /** One stack per key, named `localhost:<port>` after its federation listener. */
  stacks: Record<K, TestStack>;
  stop(): Promise<void>;
}

/**
 * Complete stacks, one per key, that federate over TLS on loopback, each with its own state
 * folder and PostgreSQL, sharing one test CA. `bridgeEnv` gives each its bridge settings, knowing
 * every stack's server name (to list some of them as partners, say).
 */
export async function startTestOrganisations<K extends string>(
  keys: readonly K[],
  bridgeEnv: (key: K, serverNames: Record<K, string>) => Record<string, string> = () => ({}),
  /** Synapse's workers per stack; XSTREAM_SYNAPSE_WORKERS for those not given. */
  synapseWorkers: Partial<Record<K, readonly WorkerRole[]>> = {},
): Promise<TestOrganisations<K>> {
  const root = await mkdtemp(join(tmpdir(), "xstream-federation-"));
  // Each stack's PostgreSQL runs as an unprivileged user that must pass through this folder.
  await chmod(root, 0o711);
  const tlsDir = join(root, "tls");
  // Made once here: stacks starting side by side would otherwise race to make it.
  await ensureFederationTls(tlsDir);
  const federationPorts = {} as Record<K, number>;
  const names = {} as Record<K, string>;
  const ports = {} as Record<K, StackPorts>;
  for (const key of keys) {
    federationPorts[key] = await freeTcpPort();
    names[key] = `localhost:${federationPorts[key]}`;
    ports[key] = await freeStackPorts();
  }
  // Each web client may reach the other organisations' token services and LiveKits (calls whose
  // focus is there).
  const originsOf = (key: K) => [
    `http://localhost:${ports[key].edge}`,
    `ws://127.0.0.1:${ports[key].livekit}`,
    `http://127.0.0.1:${ports[key].livekit}`,
  ];
  const started = await Promise.allSettled(
    keys.map((key) =>
      startTestStack({
        stateDir: join(root, key),
        serverName: names[key],
        ports: ports[key],
        federation: {
          port: federationPorts[key],
          tlsDir,
          peerOrigins: keys.filter((other) => other !== key).flatMap(originsOf),
        },
        // Info-level bridge logs: what crossed between the servers, for XSTREAM_KEEP_TEST_STATE.
        bridgeEnv: { LOG_LEVEL: "info", ...bridgeEnv(key, names) },
        synapseWorkers: synapseWorkers[key],
      }),
    ),
  );
  const running = started.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  const stop = async () => {
    await Promise.all(running.map((stack) => stack.stop()));
    await removeStateDir(root);
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
    throw failed.status === "rejected" ? failed.reason : new Error("federation did not start");
  }
  const stacks = Object.fromEntries(keys.map((key, i) => [key, running[i]])) as Record<
    K,
    TestStack
  >;
  return { stacks, stop };
}

/**
 * Two complete stacks that federate over TLS on loopback (startTestOrganisations). By default
 * each lists the other in RTC_ALLOWED_HOMESERVERS.
 */
export async function startTestFederation(
  options: { aListsB?: boolean; bListsA?: boolean } = {},
): Promise<TestFederation> {
  const listed = { a: options.aListsB, b: options.bListsA };
  const { stacks, stop } = await startTestOrganisations(
    ["a", "b"] as const,
    (key, names): Record<string, string> =>
      listed[key] === false ? {} : { RTC_ALLOWED_HOMESERVERS: names[key === "a" ? "b" : "a"] },
  );
  return { a: stacks.a, b: stacks.b, stop };
}

/** Creates (once) an empty database owned by the bridge's role, next to the bridge's own. */
async function createScratchDatabase(stack: RunningStack, name: string): Promise<string> {
  if (!stack.postgresSuperuserUrl) throw new Error("the test stack runs its own PostgreSQL");
  const client = new pg.Client({ connectionString: stack.postgresSuperuserUrl });
  await client.connect();
  try {
    // A state folder started a second time (upgrade tests) has it already.
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!found.rowCount) await client.query(`CREATE DATABASE ${name} OWNER ${BRIDGE_ROLE}`);
  } finally {
    await client.end();
  }
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes a test state folder unless XSTREAM_KEEP_TEST_STATE is set (to read its logs). */
export async function removeStateDir(stateDir: string) {
  if (process.env.XSTREAM_KEEP_TEST_STATE) return;
  // PostgreSQL's data, when it had to live outside a private state folder (postgres-place.ts).
  await removeLinkedData(stateDir);
  await rm(stateDir, { recursive: true, force: true });
}
