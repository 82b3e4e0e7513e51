// Synapse's worker mode (XSTREAM_SYNAPSE_WORKERS): which workers run, their configuration
// (synapse-config/workers.yaml shared by every process, synapse-config/worker.yaml per worker)
// and the upstreams the edge routes to. Processes talk over Unix sockets in the state folder,
// so worker mode claims no port and nothing outside the machine reaches replication.
import { request } from "node:http";
import { join } from "node:path";

/**
 * `sync`: a generic worker for /sync and the client API's reads. `events`: the event persister
 * (the `events` stream writer), which also takes the client API's event-sending requests.
 * `federation`: the federation sender (outbound federation traffic).
 */
export const WORKER_ROLES = ["sync", "events", "federation"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export class WorkerSettingError extends Error {}

/** Reads XSTREAM_SYNAPSE_WORKERS: empty or `none` for none, `all`, or a comma-separated list. */
export function parseWorkerRoles(text: string | undefined): WorkerRole[] {
  const words = (text ?? "")
    .split(",")
    .map((word) => word.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === "none")) return [];
  if (words.length === 1 && words[0] === "all") return [...WORKER_ROLES];
  const unknown = words.filter((word) => !(WORKER_ROLES as readonly string[]).includes(word));
  if (unknown.length > 0) {
    throw new WorkerSettingError(
      `XSTREAM_SYNAPSE_WORKERS: unknown worker ${unknown.map((word) => `"${word}"`).join(", ")}; use "all", "none" or a list of ${WORKER_ROLES.join(", ")}`,
    );
  }
  return WORKER_ROLES.filter((role) => words.includes(role));
}

/** The process and worker name of a role; the supervisor and Synapse's logs use the same. */
export function workerName(role: WorkerRole): string {
  return `synapse-${role}`;
}

export interface WorkerLayout {
  roles: readonly WorkerRole[];
  /** Folder of the processes' sockets (mode 0700). */
  runDir: string;
  redisSocket: string;
}

export function workerLayout(
  synapseDir: string,
  redisSocket: string,
  roles: readonly WorkerRole[],
) {
  return { roles, runDir: join(synapseDir, "run"), redisSocket } satisfies WorkerLayout;
}

/** A Unix socket path; the kernel limits them to 107 bytes, so say so before Synapse does. */
export function socketPath(dir: string, name: string): string {
  const path = join(dir, `${name}.sock`);
  if (Buffer.byteLength(path) > 107) {
    throw new WorkerSettingError(
      `the socket ${path} is longer than Unix sockets allow (107 bytes); use a shorter XSTREAM_STATE_DIR for worker mode`,
    );
  }
  return path;
}

export const mainReplicationSocket = (layout: WorkerLayout) =>
  socketPath(layout.runDir, "synapse-replication");
const clientSocket = (layout: WorkerLayout, role: WorkerRole) =>
  socketPath(layout.runDir, workerName(role));
const replicationSocket = (layout: WorkerLayout, role: WorkerRole) =>
  socketPath(layout.runDir, `${workerName(role)}-replication`);

/**
 * The socket a worker answers /health on: a listener of its own, so that the supervisor's probe
 * sees whether the process responds, not whether its client listener's accept queue (Twisted's
 * backlog of 50, full under a thousand long-polling clients) has room. Probing through the
 * client socket got busy but healthy workers killed under load.
 */
export const healthSocket = (layout: WorkerLayout, role: WorkerRole) =>
  role === "federation"
    ? clientSocket(layout, role)
    : socketPath(layout.runDir, `${workerName(role)}-health`);

type Listener = { type: "http"; path: string; resources: { names: string[] }[] };

/** The main process's replication listener, added to its own listeners. */
export function mainReplicationListener(layout: WorkerLayout): Listener {
  return {
    type: "http",
    path: mainReplicationSocket(layout),
    resources: [{ names: ["replication"] }],
  };
}

function workerListeners(layout: WorkerLayout, role: WorkerRole): Listener[] {
  const own: Listener = {
    type: "http",
    path: clientSocket(layout, role),
    // The federation sender serves no request; its listener answers /health only.
    resources: [{ names: role === "federation" ? ["health"] : ["client"] }],
  };
  if (role === "federation") return [own];
  const health: Listener = {
    type: "http",
    path: healthSocket(layout, role),
    resources: [{ names: ["health"] }],
  };
  if (role !== "events") return [own, health];
  // Stream writers receive replication requests from the other processes.
  return [
    own,
    health,
    {
      type: "http",
      path: replicationSocket(layout, role),
      resources: [{ names: ["replication"] }],
    },
  ];
}

/** Values of synapse-config/workers.yaml: JSON is YAML, so each goes in as one flow value. */
export function sharedWorkerValues(layout: WorkerLayout, replicationSecret: string) {
  const instanceMap: Record<string, { path: string }> = {
    main: { path: mainReplicationSocket(layout) },
  };
  if (layout.roles.includes("events")) {
    instanceMap[workerName("events")] = { path: replicationSocket(layout, "events") };
  }
  return {
    XS_REDIS: JSON.stringify({ enabled: true, path: layout.redisSocket }),
    XS_INSTANCE_MAP: JSON.stringify(instanceMap),
    XS_STREAM_WRITERS: JSON.stringify(
      layout.roles.includes("events") ? { events: [workerName("events")] } : {},
    ),
    XS_FEDERATION_SENDERS: JSON.stringify(
      layout.roles.includes("federation") ? [workerName("federation")] : [],
    ),
    XS_WORKER_REPLICATION_SECRET: replicationSecret,
  };
}

/** Values of synapse-config/worker.yaml for one worker. */
export function workerValues(layout: WorkerLayout, role: WorkerRole) {
  return {
    XS_WORKER_NAME: workerName(role),
    XS_WORKER_LISTENERS: JSON.stringify(workerListeners(layout, role)),
  };
}

/**
 * The upstreams client/Caddyfile's Synapse routes (synapse-config/synapse-routes.caddy) proxy
 * to, as Caddy environment: each route group goes to its worker, or to the main process when
 * that worker does not run.
 */
export function synapseEdgeUpstreams(
  mainHostPort: string,
  layout: WorkerLayout | undefined,
): Record<string, string> {
  const upstream = (role: WorkerRole) =>
    layout?.roles.includes(role) ? `unix/${clientSocket(layout, role)}` : mainHostPort;
  return {
    XSTREAM_SYNAPSE_UPSTREAM: mainHostPort,
    XSTREAM_SYNAPSE_SYNC_UPSTREAM: upstream("sync"),
    XSTREAM_SYNAPSE_EVENTS_UPSTREAM: upstream("events"),
  };
}

/** Whether a Synapse process answers GET /health on its Unix socket. */
export function answersOkOnSocket(socket: string, path = "/health"): Promise<boolean> {
  return new Promise((resolve) => {
    // Slow is not unhealthy: the supervisor bounds each probe (PROBE_TIMEOUT_MS); this only
    // frees the socket of a probe nobody waits for any more.
    const req = request({ socketPath: socket, path, timeout: 15_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}
