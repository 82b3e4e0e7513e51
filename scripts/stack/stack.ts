// Starts the whole stack — PostgreSQL, LiveKit, Synapse, bridge-service and the edge — in one
// state folder. `npm start` uses it with .xstream/ and fixed ports; the test harness with a
// temporary folder and free ports.
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startBridge } from "./bridge.ts";
import { type RunningEdge, startEdge } from "./edge.ts";
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
import { ensureLiveKit, ensureSynapse } from "./tools.ts";

export interface StackPorts {
  edge: number;
  synapse: number;
  bridge: number;
  /** The bridge's Prometheus listener, on loopback and apart from the edge. */
  metrics: number;
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
  /** Where the edge sends each group of Synapse routes (Caddy environment, see Caddyfile). */
  synapseUpstreams: Record<string, string>;
  /** Only when the stack runs its own PostgreSQL. */
  postgresSuperuserUrl?: string;
  /** Synapse's own database, when Synapse runs on the stack's PostgreSQL. */
  synapseDatabaseUrl?: string;
  secrets: StackSecrets;
  supervisor: Supervisor;
  /** Stops Synapse alone and starts it again once `whileDown` has finished (fault tests). */
  restartSynapse(whileDown?: () => Promise<void>): Promise<void>;
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
    { port: ports.bridge, part: "bridge-service (XSTREAM_BRIDGE_PORT)" },
    { port: ports.metrics, part: "bridge-service metrics (XSTREAM_METRICS_PORT)" },
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

  const [python, livekitBinary, redisBinary] = await Promise.all([
    ensureSynapse(options.toolsDir, sink),
    ensureLiveKit(options.toolsDir, sink),
    workerRoles.length > 0 ? ensureRedis(sink) : undefined,
  ]);
  const secrets = await loadOrCreateSecrets(stateDir);
  const publicUrl = `http://localhost:${ports.edge}`;
  const bridgeUrl = `http://127.0.0.1:${ports.bridge}`;
  const livekitWsUrl = `ws://127.0.0.1:${ports.livekit}`;
  const supervisor = new Supervisor({
    sink,
    stateDir,
    signal: options.signal,
    settings: options.supervision,
  });
  let edge: RunningEdge | undefined;

  const stop = async () => {
    await edge?.close();
    await supervisor.stopAll();
  };

  try {
    sink("setup", "starting PostgreSQL, LiveKit, Synapse and bridge-service…");
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
    const synapseDir = join(stateDir, "synapse");
    const workers =
      workerRoles.length > 0
        ? workerLayout(synapseDir, redisSocket(stateDir), workerRoles)
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
    const bridge = await startBridge(supervisor, {
      port: ports.bridge,
      metricsPort: ports.metrics,
      databaseUrl,
      serverName: options.serverName,
      homeserverUrl: synapse.url,
      publicUrl,
      livekitUrl: livekitWsUrl,
      secrets,
      logLevel: options.verbose ? "info" : "warn",
      extraEnv: {
        // The bridge checks OpenID tokens at the other homeservers, here on loopback with the
        // test CA.
        ...(federationTls
          ? {
              NODE_EXTRA_CA_CERTS: federationTls.caCertificate,
              OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true",
            }
          : {}),
        ...options.bridgeEnv,
      },
      needs: postgres ? ["postgres"] : [],
    });
    await Promise.all([livekit.ready, synapse.ready, workersReady, bridge.ready]);
    supervisor.checkNotAborted();
    edge = await startEdge({
      port: ports.edge,
      clientDir: clientDist,
      synapseUrl: synapse.url,
      bridgeUrl: bridge.url,
      livekitUrl: livekit.url,
      connectSources: options.federation?.peerOrigins,
    });
    supervisor.checkNotAborted();
    supervisor.watch();
    return {
      serverName: options.serverName,
      stateDir,
      publicUrl,
      synapseUrl: synapse.url,
      bridgeUrl: bridge.url,
      metricsUrl: bridge.metricsUrl,
      livekitUrl: livekit.url,
      livekitWsUrl,
      databaseUrl,
      synapseUpstreams: synapseEdgeUpstreams(new URL(synapse.url).host, workers),
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
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
