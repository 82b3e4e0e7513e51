// `npm run start:federation`: two organisations on this machine, each a whole stack with its own
// homeserver (`localhost:<federation port>`), federating over TLS on loopback with a local test
// CA. For trying federation by hand: sign up on one, talk to the other's bot from the first.
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { buildIfStale } from "./build.ts";
import { consoleSink } from "./cli.ts";
import { repoRoot } from "./paths.ts";
import type { LogSink } from "./processes.ts";
import { type RunningStack, type StackPorts, startStack } from "./stack.ts";

const settingsSchema = z.object({
  XSTREAM_STATE_DIR: z.string().min(1).default(".xstream"),
  XSTREAM_TOOLS_DIR: z.string().min(1).optional(),
  // Organisation A takes the ports from here up (+0 web, +48 federation), B the next hundred.
  XSTREAM_FEDERATION_PORTS_FROM: z.coerce.number().int().min(1024).max(65_000).default(8400),
  XSTREAM_LOG: z.enum(["info", "warn"]).default("warn"),
});

const ORGANISATIONS = ["a", "b"] as const;
type Organisation = (typeof ORGANISATIONS)[number];

/** The fixed ports of organisation `index` (0 or 1), so its URLs stay the same between runs. */
export function federationPorts(
  from: number,
  index: number,
): { stack: StackPorts; federation: number } {
  const base = from + index * 100;
  const udpStart = 50_400 + index * 50;
  return {
    stack: {
      edge: base,
      synapse: base + 8,
      bridge: base + 10,
      metrics: base + 11,
      livekit: base + 20,
      livekitRtcTcp: base + 21,
      livekitUdpStart: udpStart,
      livekitUdpEnd: udpStart + 49,
      postgres: base + 33,
    },
    federation: base + 48,
  };
}

/** What the other organisation's web client may connect to for calls whose focus is here. */
function peerOrigins(ports: StackPorts): string[] {
  return [
    `http://localhost:${ports.edge}`,
    `ws://127.0.0.1:${ports.livekit}`,
    `http://127.0.0.1:${ports.livekit}`,
  ];
}

function labelled(sink: LogSink, organisation: Organisation): LogSink {
  return (part, line) => sink(part, `[${organisation.toUpperCase()}] ${line}`);
}

export async function runStartFederation(): Promise<void> {
  const sink = consoleSink();
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      console.error(`invalid setting ${issue.path.join(".")}: ${issue.message}`);
    }
    process.exit(2);
  }
  const settings = parsed.data;
  const stateRoot = isAbsolute(settings.XSTREAM_STATE_DIR)
    ? settings.XSTREAM_STATE_DIR
    : resolve(repoRoot, settings.XSTREAM_STATE_DIR);
  const root = join(stateRoot, "federation");
  const plan = ORGANISATIONS.map((organisation, index) => {
    const ports = federationPorts(settings.XSTREAM_FEDERATION_PORTS_FROM, index);
    return { organisation, ports, serverName: `localhost:${ports.federation}` };
  });

  const stacks: RunningStack[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    sink("setup", "stopping…");
    await Promise.all(stacks.map((stack) => stack.stop()));
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    await buildIfStale(sink);
    // One after the other: they share the tools folder and the test CA made on first use.
    for (const { organisation, ports, serverName } of plan) {
      const other = plan.find((entry) => entry.organisation !== organisation);
      stacks.push(
        await startStack({
          stateDir: join(root, organisation),
          toolsDir: settings.XSTREAM_TOOLS_DIR ?? join(stateRoot, "tools"),
          serverName,
          ports: ports.stack,
          federation: {
            port: ports.federation,
            tlsDir: join(root, "tls"),
            peerOrigins: other ? peerOrigins(other.ports.stack) : [],
          },
          sink: labelled(sink, organisation),
          verbose: settings.XSTREAM_LOG === "info",
          // The two organisations list each other for calls and as partners (the directory).
          bridgeEnv: other
            ? {
                RTC_ALLOWED_HOMESERVERS: other.serverName,
                PARTNER_ORGANISATIONS: other.serverName,
                ORGANISATION_NAME: `Organisation ${organisation.toUpperCase()}`,
              }
            : {},
        }),
      );
    }
  } catch (error) {
    console.error(`\nXstream could not start: ${error instanceof Error ? error.message : error}`);
    await shutdown(1);
    return;
  }
  if (stopping) return;
  for (const [index, stack] of stacks.entries()) {
    const name = index === 0 ? "A" : "B";
    console.log(
      `Organisation ${name} is ready: ${stack.publicUrl} (homeserver ${stack.serverName})`,
    );
  }
  // From here each stack's supervisor restarts what fails; Ctrl-C or SIGTERM ends the run.
}
