// `npm start`: reads XSTREAM_* settings, builds what changed, starts the stack in .xstream/,
// prints one ready line, keeps every part running (restarts, watchdog) and stops every part
// cleanly on Ctrl-C or SIGTERM — also in the middle of start-up.
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { buildIfStale } from "./build.ts";
import { stackEmailFromEnv } from "./email.ts";
import { logsDirOf, partLogFiles, splitSink } from "./logs.ts";
import { repoRoot } from "./paths.ts";
import { killEverythingOf, type LogSink, STACK_MARKER } from "./processes.ts";
import { type BridgePorts, type RunningStack, type StackPorts, startStack } from "./stack.ts";
import { parseWorkerRoles, WORKER_ROLES } from "./synapseWorkers.ts";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const settingsSchema = z.object({
  XSTREAM_PORT: port(8080),
  XSTREAM_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a host name such as localhost or chat.example.org")
    .default("localhost"),
  XSTREAM_STATE_DIR: z.string().min(1).default(".xstream"),
  XSTREAM_TOOLS_DIR: z.string().min(1).optional(),
  XSTREAM_SYNAPSE_PORT: port(8008),
  XSTREAM_BRIDGE_PORT: port(9000),
  XSTREAM_METRICS_PORT: port(9464),
  XSTREAM_LIVEKIT_PORT: port(7880),
  XSTREAM_LIVEKIT_RTC_TCP_PORT: port(7881),
  XSTREAM_LIVEKIT_UDP_PORTS: z
    .string()
    .regex(/^\d+-\d+$/, "must be a range such as 50100-50200")
    .default("50100-50200"),
  XSTREAM_POSTGRES_PORT: port(5433),
  // bridge-service replicas behind the edge (each stateless, all on one database).
  XSTREAM_BRIDGE_REPLICAS: z.coerce.number().int().min(1).max(8).default(1),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // What the terminal shows; the files under <state folder>/logs always get everything.
  XSTREAM_LOG: z.enum(["info", "warn"]).default("warn"),
  // How long a part may fail its health check before it is killed and restarted.
  XSTREAM_WATCHDOG_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  // An existing account made admin when the bridge starts (signing up with the name grants nothing).
  XSTREAM_ADMIN: z.string().min(1).optional(),
  // Let calls reach homeservers on private addresses (the bridge's OUTBOUND_ALLOW_PRIVATE_ADDRESSES).
  XSTREAM_OUTBOUND_ALLOW_PRIVATE: z.enum(["true", "false"]).optional(),
  // Days a web session lasts from its sign-in (the bridge's SESSION_MAX_LIFETIME_DAYS).
  XSTREAM_SESSION_DAYS: z.coerce.number().int().min(1).optional(),
  // Web Push contact for the push services (the bridge's VAPID_SUBJECT).
  XSTREAM_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, "must be a mailto: address or an https:// URL")
    .optional(),
  // Other homeservers whose users may get call tokens (the bridge's RTC_ALLOWED_HOMESERVERS).
  XSTREAM_RTC_ALLOWED_HOMESERVERS: z
    .string()
    .regex(
      /^\s*(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?\s*(?:,\s*(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?\s*)*$/,
      "must be comma-separated Matrix server names such as example.org",
    )
    .optional(),
  // Organisations whose learners see ours and ours theirs (the bridge's PARTNER_ORGANISATIONS).
  XSTREAM_PARTNER_ORGANISATIONS: z
    .string()
    .regex(
      /^\s*(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?\s*(?:,\s*(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?\s*)*$/,
      "must be comma-separated Matrix server names such as example.org",
    )
    .optional(),
  // This organisation's name on partners' cards (the bridge's ORGANISATION_NAME).
  XSTREAM_ORGANISATION_NAME: z.string().max(64).optional(),
  // Synapse's worker mode: "all", or some of sync, events, federation (see README "Scaling out").
  XSTREAM_SYNAPSE_WORKERS: z
    .string()
    .refine(
      (text) => {
        try {
          parseWorkerRoles(text);
          return true;
        } catch {
          return false;
        }
      },
      `must be "all", "none" or a comma-separated list of ${WORKER_ROLES.join(", ")}`,
    )
    .optional(),
});

export type StartSettings = z.infer<typeof settingsSchema>;

/** Every bad setting is reported at once, each naming its key. */
export function readSettings(env: NodeJS.ProcessEnv): StartSettings {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in settingsSchema.shape && value !== ""),
  );
  const result = settingsSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new SettingsError(`invalid settings:\n${problems.join("\n")}`);
  }
  const [start, end] = result.data.XSTREAM_LIVEKIT_UDP_PORTS.split("-").map(Number);
  if (start === undefined || end === undefined || start > end || end > 65535) {
    throw new SettingsError(
      "invalid settings:\n  XSTREAM_LIVEKIT_UDP_PORTS: start must not exceed end",
    );
  }
  return result.data;
}

export class SettingsError extends Error {}

/**
 * With several bridges, the edge balances them on `bridgePort` and replica i (from 1) listens on
 * `bridgePort + i`, its metrics on `metricsPort + i - 1`. One bridge keeps the ports as they are.
 */
export function replicaPorts(
  bridgePort: number,
  metricsPort: number,
  replicas: number,
): BridgePorts[] | undefined {
  if (replicas < 2) return undefined;
  return Array.from({ length: replicas }, (_, index) => ({
    bridge: bridgePort + index + 1,
    metrics: metricsPort + index,
  }));
}

const COLOURS: Record<string, number> = {
  setup: 90,
  postgres: 34,
  livekit: 35,
  synapse: 32,
  bridge: 36,
  edge: 33,
};

export function consoleSink(): LogSink {
  const useColour = process.stdout.isTTY;
  return (part, line) => {
    const label = part.padEnd(8);
    const prefix = useColour ? `\u001b[${COLOURS[part] ?? 37}m${label}|\u001b[0m` : `${label}|`;
    process.stdout.write(`${prefix} ${line}\n`);
  };
}

export async function runStart(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const terminal = consoleSink();
  let settings: StartSettings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    process.exit(2);
  }
  const email = stackEmailFromEnv(process.env, settings.XSTREAM_SERVER_NAME);
  if (email.problems.length > 0) {
    console.error(`invalid settings:\n${email.problems.map((p) => `  ${p}`).join("\n")}`);
    process.exit(2);
  }
  const stateDir = isAbsolute(settings.XSTREAM_STATE_DIR)
    ? settings.XSTREAM_STATE_DIR
    : resolve(repoRoot, settings.XSTREAM_STATE_DIR);
  // Everything started from here on (builds, installs, the parts) carries the state folder in its
  // environment, so an interrupted start-up and the next start can find it.
  process.env[STACK_MARKER] = stateDir;
  const logs = partLogFiles(logsDirOf(stateDir));
  const verbose = settings.XSTREAM_LOG === "info" || argv.includes("--verbose");
  const sink = splitSink(logs.sink, terminal, verbose);
  const [udpStart, udpEnd] = settings.XSTREAM_LIVEKIT_UDP_PORTS.split("-").map(Number) as [
    number,
    number,
  ];
  const ports: StackPorts = {
    edge: settings.XSTREAM_PORT,
    synapse: settings.XSTREAM_SYNAPSE_PORT,
    bridge: settings.XSTREAM_BRIDGE_PORT,
    metrics: settings.XSTREAM_METRICS_PORT,
    livekit: settings.XSTREAM_LIVEKIT_PORT,
    livekitRtcTcp: settings.XSTREAM_LIVEKIT_RTC_TCP_PORT,
    livekitUdpStart: udpStart,
    livekitUdpEnd: udpEnd,
    postgres: settings.XSTREAM_POSTGRES_PORT,
    bridgeReplicas: replicaPorts(
      settings.XSTREAM_BRIDGE_PORT,
      settings.XSTREAM_METRICS_PORT,
      settings.XSTREAM_BRIDGE_REPLICAS,
    ),
  };

  const interrupted = new AbortController();
  let stack: RunningStack | undefined;
  let starting: Promise<RunningStack | undefined> = Promise.resolve(undefined);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) {
      // A second Ctrl-C: do not wait for polite stops.
      await killEverythingOf(stateDir);
      process.exit(code);
    }
    stopping = true;
    sink("setup", "stopping…");
    interrupted.abort();
    // Start-up may be waiting for an install or initdb that takes a while: end those now, and
    // let startStack stop what it already started.
    if (!stack) {
      const settled = await Promise.race([
        starting.then(
          () => true,
          () => true,
        ),
        new Promise((resolve) => setTimeout(() => resolve(false), 3_000)),
      ]);
      if (!settled) await killEverythingOf(stateDir);
      stack ??= await starting.catch(() => undefined);
    }
    await stack?.stop();
    await killEverythingOf(stateDir);
    await logs.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    sink("setup", `starting Xstream in ${stateDir} (logs in ${logsDirOf(stateDir)})`);
    starting = buildIfStale(sink).then(() =>
      startStack({
        stateDir,
        toolsDir: settings.XSTREAM_TOOLS_DIR ?? join(stateDir, "tools"),
        serverName: settings.XSTREAM_SERVER_NAME,
        ports,
        databaseUrl: settings.DATABASE_URL,
        synapseWorkers: parseWorkerRoles(settings.XSTREAM_SYNAPSE_WORKERS),
        sink,
        // Full logs go to the files; the terminal filter decides what a person sees.
        verbose: true,
        signal: interrupted.signal,
        supervision: { watchdogMs: settings.XSTREAM_WATCHDOG_SECONDS * 1000 },
        email: email.email,
        bridgeEnv: {
          ...(settings.XSTREAM_ADMIN ? { BOOTSTRAP_ADMIN: settings.XSTREAM_ADMIN } : {}),
          ...(settings.XSTREAM_OUTBOUND_ALLOW_PRIVATE
            ? { OUTBOUND_ALLOW_PRIVATE_ADDRESSES: settings.XSTREAM_OUTBOUND_ALLOW_PRIVATE }
            : {}),
          ...(settings.XSTREAM_SESSION_DAYS
            ? { SESSION_MAX_LIFETIME_DAYS: String(settings.XSTREAM_SESSION_DAYS) }
            : {}),
          ...(settings.XSTREAM_VAPID_SUBJECT
            ? { VAPID_SUBJECT: settings.XSTREAM_VAPID_SUBJECT }
            : {}),
          ...(settings.XSTREAM_RTC_ALLOWED_HOMESERVERS
            ? { RTC_ALLOWED_HOMESERVERS: settings.XSTREAM_RTC_ALLOWED_HOMESERVERS }
            : {}),
          ...(settings.XSTREAM_PARTNER_ORGANISATIONS
            ? { PARTNER_ORGANISATIONS: settings.XSTREAM_PARTNER_ORGANISATIONS }
            : {}),
          ...(settings.XSTREAM_ORGANISATION_NAME
            ? { ORGANISATION_NAME: settings.XSTREAM_ORGANISATION_NAME }
            : {}),
        },
      }),
    );
    stack = await starting;
  } catch (error) {
    if (stopping) return;
    console.error(`\nXstream could not start: ${error instanceof Error ? error.message : error}`);
    await shutdown(1);
    return;
  }
  if (stopping) {
    // Interrupted just as start-up finished: shutdown() is waiting for `starting`.
    return;
  }
  console.log(`Xstream is ready: ${stack?.publicUrl}`);
  // From here the supervisor restarts what fails; Ctrl-C or SIGTERM ends the run.
}
