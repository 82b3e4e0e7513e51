// Starts the whole stack — PostgreSQL, LiveKit, Synapse, bridge-service and the edge (Caddy) — in one
// state folder. `npm start` uses it with .xstream/ and fixed ports; the test harness with a
// temporary folder and free ports.
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startBridge } from "./bridge.ts";
import { startEdge } from "./caddy.ts";
import { bridgeEmailEnv, type StackEmail } from "./email.ts";
import { ensureFederationTls } from "./federationTls.ts";
import { startLiveKit } from "./livekit.ts";
import { clientDist } from "./paths.ts";
import { assertPortsFree, type PortClaim } from "./ports.ts";
import { startPostgres, synapseDatabaseUrl } from "./postgres.ts";
import {
  type LogSink,
  reapLeftovers,
  StartupAborted,
  StartupError,
  type SupervisionSettings,
  Supervisor,
} from "./processes.ts";
import { ensureRedis, redisSocket, startRedis } from "./redis.ts";
import { loadOrCreateSecrets, type StackSecrets } from "./secrets.ts";
import { type SynapseOptions, startSynapse } from "./synapse.ts";
import {
  synapseEdgeUpstreams,
  type WorkerRole,
  WorkerSettingError,
  workerLayout,
} from "./synapseWorkers.ts";
import { ensureCaddy, ensureLiveKit, ensureSynapse } from "./tools.ts";

/** One bridge replica's own listeners. */
export interface BridgePorts {
  bridge: number;
  metrics: number;
}

export interface StackPorts {
  edge: number;
  synapse: number;
  /** Where Synapse and the tests reach the bridge: the bridge itself, or the edge's balancer. */
  bridge: number;
  /** The (first) bridge's Prometheus listener, on loopback and apart from the edge. */
  metrics: number;
  /**
   * Two or more bridges: each replica's own ports. `bridge` is then a loopback site of the edge
   * that balances between them (Synapse's appservice transactions and pushes go there).
   */
  bridgeReplicas?: readonly BridgePorts[];
  livekit: number;
  livekitRtcTcp: number;
  livekitUdpStart: number;
  livekitUdpEnd: number;
  postgres: number;
}

export interface StackOptions {
  stateDir: string;
  toolsDir: string;
  serverName: string;
  ports: StackPorts;
  /** Use this PostgreSQL instead of starting the bundled one. */
  databaseUrl?: string;
  sink: LogSink;
  /** INFO-level logs from every part (npm start) or warnings only (tests). */
  verbose: boolean;
  synapseOverrides?: Record<string, unknown>;
  /** Synapse's worker mode (XSTREAM_SYNAPSE_WORKERS); none: one Synapse process. */
  synapseWorkers?: readonly WorkerRole[];
  /** Synapse on the SQLite file of earlier versions instead of PostgreSQL (upgrade tests). */
  synapseOnSqlite?: boolean;
  /** The bundled PostgreSQL may lose data on a crash (tests): no fsync. */
  throwAwayDatabase?: boolean;
  /** SMTP for Synapse and the bridge; without it no part sends mail. */
  email?: StackEmail;
  bridgeEnv?: Record<string, string>;
  /** Aborting it (Ctrl-C during start-up) stops whatever was started and rejects. */
  signal?: AbortSignal;
  /** Watchdog and restart timings; tests shorten them. */
  supervision?: Partial<SupervisionSettings>;
  /**
   * Federation with other homeservers on this machine: Synapse's TLS federation listener on
   * `port`, with the test CA and certificate kept in `tlsDir` (shared by the federating stacks).
   */
  federation?: {
    port: number;
    tlsDir: string;
    /**
     * Origins of the other organisations' edges and LiveKits: a call whose focus is theirs has
     * this web client fetch tokens there and connect to their LiveKit.
     */
    peerOrigins?: readonly string[];
  };
}

export interface RunningStack {
  serverName: string;
  stateDir: string;
  /** The page learners open; also serves /api, /_matrix and /.well-known. */
  publicUrl: string;
  synapseUrl: string;
  bridgeUrl: string;
  /** The bridge's Prometheus endpoint base (GET /metrics), on loopback. */
  metricsUrl: string;
  livekitUrl: string;
  livekitWsUrl: string;
  databaseUrl: string;
  /** Only when the stack runs its own PostgreSQL. */
  postgresSuperuserUrl?: string;
  /** Synapse's own database, when Synapse runs on the stack's PostgreSQL. */
  synapseDatabaseUrl?: string;
  secrets: StackSecrets;
  supervisor: Supervisor;
  /** Stops Synapse alone and starts it again once `whileDown` has finished (fault tests). */
  restartSynapse(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the bridge and starts it again, with `env` changed (settings an operator edits). */
  restartBridge(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** A state folder belongs to one server_name: Synapse's database cannot be renamed. */
async function checkServerName(stateDir: string, serverName: string) {
  const file = join(stateDir, "stack.json");
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, "utf8")) as { serverName?: string };
    if (stored.serverName && stored.serverName !== serverName) {
      throw new StartupError(
        `XSTREAM_SERVER_NAME is "${serverName}" but ${stateDir} holds a homeserver for "${stored.serverName}". Use XSTREAM_STATE_DIR for a separate state folder, or delete ${stateDir} to start over.`,
      );
    }
  } else {
    await writeFile(file, `${JSON.stringify({ serverName }, null, 2)}\n`);
  }
}

function portClaims(options: StackOptions): PortClaim[] {
  const { ports } = options;
  const claims: PortClaim[] = [
    { port: ports.edge, part: "the web origin (XSTREAM_PORT)" },
    { port: ports.synapse, part: "Synapse (XSTREAM_SYNAPSE_PORT)" },
    { port: ports.bridge, part: "bridge-service or its balancer (XSTREAM_BRIDGE_PORT)" },
    { port: ports.metrics, part: "bridge-service metrics (XSTREAM_METRICS_PORT)" },
    ...(ports.bridgeReplicas ?? []).flatMap((replica, index) => [
      { port: replica.bridge, part: `bridge-service replica ${index + 1}` },
      ...(replica.metrics === ports.metrics
        ? []
        : [{ port: replica.metrics, part: `bridge-service replica ${index + 1}'s metrics` }]),
    ]),
    { port: ports.livekit, part: "LiveKit (XSTREAM_LIVEKIT_PORT)" },
    { port: ports.livekitRtcTcp, part: "LiveKit media over TCP (XSTREAM_LIVEKIT_RTC_TCP_PORT)" },
  ];
  if (options.federation) {
    claims.push({ port: options.federation.port, part: "Synapse's federation listener" });
  }
  if (!options.databaseUrl) {
    claims.push({ port: ports.postgres, part: "PostgreSQL (XSTREAM_POSTGRES_PORT)" });
  }
  for (let port = ports.livekitUdpStart; port <= ports.livekitUdpEnd; port++) {
    claims.push({
      port,
      part: "LiveKit media over UDP (XSTREAM_LIVEKIT_UDP_PORTS)",
      protocol: "udp",
    });
  }
  return claims;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { stateDir, sink, ports } = options;
  await mkdir(stateDir, { recursive: true });
  // The unprivileged PostgreSQL user must be able to pass through the state folder.
  await chmod(stateDir, 0o711);
  if (options.signal?.aborted) throw new StartupAborted();
  await reapLeftovers(stateDir, sink);
  await checkServerName(stateDir, options.serverName);
  await assertPortsFree(portClaims(options));
  const workerRoles = options.synapseWorkers ?? [];
  if (workerRoles.length > 0 && (options.databaseUrl || options.synapseOnSqlite)) {
    throw new WorkerSettingError(
      "Synapse's workers need Synapse on the bundled PostgreSQL: unset DATABASE_URL to use XSTREAM_SYNAPSE_WORKERS.",
    );
  }

  const [python, livekitBinary, caddyBinary, redisBinary] = await Promise.all([
    ensureSynapse(options.toolsDir, sink),
    ensureLiveKit(options.toolsDir, sink),
    ensureCaddy(options.toolsDir, sink),
    workerRoles.length > 0 ? ensureRedis(sink) : undefined,
  ]);
  const secrets = await loadOrCreateSecrets(stateDir);
  const publicUrl = `http://localhost:${ports.edge}`;
  const bridgeUrl = `http://127.0.0.1:${ports.bridge}`;
  const replicas: readonly BridgePorts[] =
    ports.bridgeReplicas && ports.bridgeReplicas.length > 1
      ? ports.bridgeReplicas
      : [{ bridge: ports.bridge, metrics: ports.metrics }];
  const balanced = replicas.length > 1;
  const livekitWsUrl = `ws://127.0.0.1:${ports.livekit}`;
  const supervisor = new Supervisor({
    sink,
    stateDir,
    signal: options.signal,
    settings: options.supervision,
  });
  const stop = () => supervisor.stopAll();

  try {
    sink("setup", "starting PostgreSQL, LiveKit, Synapse, bridge-service and the edge…");
    const synapseDir = join(stateDir, "synapse");
    const workers =
      workerRoles.length > 0
        ? workerLayout(synapseDir, redisSocket(stateDir), workerRoles)
        : undefined;
    const synapseUrl = `http://127.0.0.1:${ports.synapse}`;
    // First, as it takes no time: it proxies to the others once they are up.
    const edge = await startEdge(supervisor, {
      binary: caddyBinary,
      dir: join(stateDir, "edge"),
      port: ports.edge,
      serverName: options.serverName,
      clientDir: clientDist,
      synapseUrl,
      // Synapse's worker routes (synapse-config/synapse-routes.caddy): workers or the main process.
      synapseUpstreams: synapseEdgeUpstreams(new URL(synapseUrl).host, workers),
      bridgeUrls: replicas.map((replica) => `http://127.0.0.1:${replica.bridge}`),
      bridgeBalancerPort: balanced ? ports.bridge : undefined,
      livekitUrl: `http://127.0.0.1:${ports.livekit}`,
      connectSources: options.federation?.peerOrigins,
      verbose: options.verbose,
    });
    const postgres = options.databaseUrl
      ? undefined
      : await startPostgres(supervisor, {
          dataDir: join(stateDir, "postgres"),
          port: ports.postgres,
          superuserPassword: secrets.postgresSuperuserPassword,
          bridgePassword: secrets.bridgeDatabasePassword,
          synapsePassword: secrets.synapseDatabasePassword,
          throwAway: options.throwAwayDatabase,
          sink,
        });
    const databaseUrl = options.databaseUrl ?? postgres?.bridgeDatabaseUrl ?? "";

    supervisor.checkNotAborted();
    const livekit = await startLiveKit(supervisor, {
      binary: livekitBinary,
      dir: join(stateDir, "livekit"),
      port: ports.livekit,
      rtcTcpPort: ports.livekitRtcTcp,
      udpStart: ports.livekitUdpStart,
      udpEnd: ports.livekitUdpEnd,
      apiKey: secrets.livekitApiKey,
      apiSecret: secrets.livekitApiSecret,
      logLevel: options.verbose ? "info" : "warn",
    });
    const federationTls = options.federation
      ? await ensureFederationTls(options.federation.tlsDir)
      : undefined;
    if (workers && redisBinary) {
      const redis = await startRedis(supervisor, {
        binary: redisBinary,
        dir: join(stateDir, "redis"),
        socket: workers.redisSocket,
        logLevel: options.verbose ? "notice" : "warning",
      });
      await redis.ready;
    }
    const synapseOptions: SynapseOptions = {
      python,
      dir: synapseDir,
      serverName: options.serverName,
      publicUrl,
      port: ports.synapse,
      bridgeUrl,
      secrets,
      logLevel: options.verbose ? "INFO" : "WARNING",
      overrides: options.synapseOverrides,
      email: options.email,
      federation:
        options.federation && federationTls
          ? { port: options.federation.port, tls: federationTls }
          : undefined,
      database: options.synapseOnSqlite ? undefined : postgres?.synapseDatabase,
      workers,
      sink,
    };
    const synapse = await startSynapse(supervisor, synapseOptions);
    // Workers start once the main process serves (it makes the schema they check).
    const workersReady = synapse.ready.then(() => synapse.startWorkers());
    // Awaited below; a failure before then must not surface as an unhandled rejection.
    workersReady.catch(() => {});
    const bridges = [];
    for (const [index, replica] of replicas.entries()) {
      bridges.push(
        await startBridge(supervisor, {
          part: index === 0 ? "bridge" : `bridge-${index + 1}`,
          port: replica.bridge,
          metricsPort: replica.metrics,
          databaseUrl,
          serverName: options.serverName,
          homeserverUrl: synapse.url,
          publicUrl,
          livekitUrl: livekitWsUrl,
          secrets,
          logLevel: options.verbose ? "info" : "warn",
          extraEnv: {
            // The bridge checks OpenID tokens at the other homeservers, here on loopback with
            // the test CA.
            ...(federationTls
              ? {
                  NODE_EXTRA_CA_CERTS: federationTls.caCertificate,
                  OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true",
                }
              : {}),
            ...bridgeEmailEnv(options.email),
            // Synapse pushes through the balancer, whichever replica registered the pusher.
            ...(balanced ? { PUSH_GATEWAY_URL: `${bridgeUrl}/_matrix/push/v1/notify` } : {}),
            ...options.bridgeEnv,
          },
          needs: postgres ? ["postgres"] : [],
        }),
      );
    }
    await Promise.all([
      edge.ready,
      livekit.ready,
      synapse.ready,
      workersReady,
      ...bridges.map((bridge) => bridge.ready),
    ]);
    supervisor.checkNotAborted();
    supervisor.watch();
    return {
      serverName: options.serverName,
      stateDir,
      publicUrl,
      synapseUrl: synapse.url,
      bridgeUrl,
      metricsUrl: bridges[0]?.metricsUrl ?? "",
      livekitUrl: livekit.url,
      livekitWsUrl,
      databaseUrl,
      postgresSuperuserUrl: postgres?.superuserUrl,
      synapseDatabaseUrl: synapseOptions.database && synapseDatabaseUrl(synapseOptions.database),
      secrets,
      supervisor,
      async restartSynapse(whileDown) {
        // Held, not killed: the supervisor would otherwise restart it at once.
        await supervisor.hold("synapse");
        await whileDown?.();
        await supervisor.release("synapse");
      },
      async restartBridge(env) {
        await supervisor.hold("bridge");
        await supervisor.release("bridge", env);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
