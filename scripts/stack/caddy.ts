// The edge: Caddy running client/Caddyfile, the file the compose edge runs, as the one origin
// learners open. What differs on this machine is passed as that file's environment placeholders
// and a few global options in a small wrapper: loopback only, plain HTTP, no admin API, nothing
// fetched or installed at start. With several bridges, the wrapper adds a loopback site that
// balances Synapse's appservice transactions and pushes between them.
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./paths.ts";
import type { ManagedProcess, Supervisor } from "./processes.ts";
import { answersOk } from "./processes.ts";

export const CADDYFILE = join(repoRoot, "client", "Caddyfile");

export interface EdgeOptions {
  binary: string;
  /** Caddy's folder: its wrapper config, and HOME/XDG folders so it writes nowhere else. */
  dir: string;
  port: number;
  /** The Matrix server name; with a port (federation here), `.well-known` names that port. */
  serverName: string;
  clientDir: string;
  synapseUrl: string;
  /** Upstreams of Synapse's worker routes (synapse-routes.caddy); the main process if none. */
  synapseUpstreams?: Record<string, string>;
  /** One URL per bridge replica. */
  bridgeUrls: readonly string[];
  /** With several bridges: the loopback port where Synapse reaches them, balanced. */
  bridgeBalancerPort?: number;
  livekitUrl: string;
  /** More origins the page may connect to: other organisations' token services and LiveKits. */
  connectSources?: readonly string[];
  verbose: boolean;
}

const hostPort = (url: string) => new URL(url).host;

/** The bridge's limit for an appservice transaction (TRANSACTION_BODY_LIMIT, 20mb). */
const TRANSACTION_BUFFER = "20MiB";

/** Whether this machine has an IPv6 loopback to bind (containers often have none). */
function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port: 0, host: "::1" }, () => server.close(() => resolve(true)));
  });
}

/** The wrapper: global options for this machine, then the production file unchanged. */
export function edgeConfig(options: EdgeOptions, ipv6: boolean): string {
  const lines = [
    "{",
    // No admin endpoint at all: the supervisor restarts Caddy instead of reloading it.
    "\tadmin off",
    "\tpersist_config off",
    // Plain HTTP on loopback: no certificates, no ACME, no local CA in the system trust store.
    "\tauto_https off",
    "\tskip_install_trust",
    `\thttp_port ${options.port}`,
    `\tdefault_bind 127.0.0.1${ipv6 ? " [::1]" : ""}`,
    `\tstorage file_system ${join(options.dir, "data")}`,
    "\tlog {",
    "\t\toutput stderr",
    "\t\tformat json",
    `\t\tlevel ${options.verbose ? "INFO" : "WARN"}`,
    "\t}",
    "}",
    `import ${CADDYFILE}`,
  ];
  if (options.bridgeBalancerPort !== undefined) {
    lines.push(
      "",
      // Synapse's side of the bridges (appservice transactions, the push gateway), never public.
      // A transaction is a PUT that the bridge de-duplicates by its id, so one cut off by a
      // replica's death is safe to resend to another. Its body is buffered (up to the bridge's
      // limit for a transaction) so the resend carries it. Unbuffered, the resend went out with
      // an empty body, broke on the surviving replica's connection and counted as its failure
      // too: for 5 s both replicas were out of the pool the public site shares (a 503).
      `http://:${options.bridgeBalancerPort} {`,
      "\tbind 127.0.0.1",
      `\treverse_proxy ${options.bridgeUrls.map(hostPort).join(" ")} {`,
      "\t\tlb_policy round_robin",
      "\t\tlb_try_duration 5s",
      "\t\tlb_try_interval 100ms",
      "\t\tfail_duration 2s",
      "\t\tmax_fails 1",
      `\t\trequest_buffers ${TRANSACTION_BUFFER}`,
      "\t\tlb_retry_match {",
      "\t\t\tmethod GET PUT",
      "\t\t}",
      "\t}",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The Caddyfile's placeholders, set to this machine's parts. */
export function edgeEnvironment(options: EdgeOptions): Record<string, string> {
  const livekit = new URL(options.livekitUrl);
  const livekitWs = `${livekit.protocol === "https:" ? "wss" : "ws"}://${livekit.host}`;
  const serverPort = /:(\d+)$/.exec(options.serverName)?.[1];
  return {
    XSTREAM_SITE_SCHEME: "http://",
    XSTREAM_DOMAIN: "localhost",
    // A server name with a port is reached there directly; without one, no delegation (8448).
    XSTREAM_FEDERATION_PORT: serverPort ?? "8448",
    XSTREAM_SYNAPSE_UPSTREAM: hostPort(options.synapseUrl),
    XSTREAM_SYNAPSE_SYNC_UPSTREAM: hostPort(options.synapseUrl),
    XSTREAM_SYNAPSE_EVENTS_UPSTREAM: hostPort(options.synapseUrl),
    ...options.synapseUpstreams,
    XSTREAM_BRIDGE_UPSTREAM: options.bridgeUrls.map(hostPort).join(" "),
    XSTREAM_LIVEKIT_UPSTREAM: hostPort(options.livekitUrl),
    XSTREAM_CLIENT_DIR: options.clientDir,
    // The page reaches LiveKit on its loopback port here, not through livekit.<domain>.
    XSTREAM_PEER_ORIGINS: [livekitWs, livekit.origin, ...(options.connectSources ?? [])].join(" "),
  };
}

export async function startEdge(
  supervisor: Supervisor,
  options: EdgeOptions,
): Promise<{ process: ManagedProcess; url: string; ready: Promise<void> }> {
  await mkdir(join(options.dir, "data"), { recursive: true });
  await mkdir(join(options.dir, "config"), { recursive: true });
  const config = join(options.dir, "Caddyfile");
  await writeFile(config, edgeConfig(options, await hasIpv6Loopback()));
  const url = `http://localhost:${options.port}`;
  const managed = await supervisor.start(
    "edge",
    options.binary,
    ["run", "--config", config, "--adapter", "caddyfile"],
    {
      cwd: options.dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: options.dir,
        XDG_DATA_HOME: join(options.dir, "data"),
        XDG_CONFIG_HOME: join(options.dir, "config"),
        ...edgeEnvironment(options),
      },
      // Answered by Caddy itself, so the check does not depend on Synapse or the bridges.
      health: {
        check: () => answersOk(`${url}/.well-known/matrix/server`),
        startupMs: 30_000,
      },
    },
  );
  const ready = supervisor.ready(managed, "the edge (Caddy)");
  return { process: managed, url, ready };
}
