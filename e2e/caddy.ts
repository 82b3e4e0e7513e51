// The production edge in a test: a real Caddy runs client/Caddyfile unchanged (imported), pointed
// at the test stack's bridge, Synapse and LiveKit through the file's environment placeholders,
// as plain HTTP on a free loopback port.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../scripts/stack/paths.ts";
import { freeTcpPort } from "../scripts/stack/ports.ts";
import { ensureCaddy } from "../scripts/stack/tools.ts";
import { type StackInfo, toolsDir } from "./harness.ts";

export interface RunningCaddy {
  url: string;
  stop(): Promise<void>;
}

const hostPort = (url: string) => new URL(url).host;

async function untilAnswering(url: string, caddy: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (caddy.exitCode !== null) throw new Error(`caddy exited with ${caddy.exitCode}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`caddy did not answer ${url} within ${timeoutMs} ms`);
}

export async function startCaddyEdge(stack: StackInfo): Promise<RunningCaddy> {
  const binary = await ensureCaddy(toolsDir, () => {});
  const home = await mkdtemp(join(tmpdir(), "xstream-caddy-"));
  const port = await freeTcpPort();
  // Global options only a test needs; the site blocks are the production file's.
  const config = join(home, "Caddyfile");
  await writeFile(
    config,
    [
      "{",
      "\tadmin off",
      "\tauto_https off",
      "\tpersist_config off",
      `\thttp_port ${port}`,
      `\thttps_port ${await freeTcpPort()}`,
      "\tdefault_bind 127.0.0.1",
      "}",
      `import ${join(repoRoot, "client", "Caddyfile")}`,
      "",
    ].join("\n"),
  );
  const log = createWriteStream(join(stack.logsDir, "caddy.log"), { flags: "a" });
  const caddy = spawn(binary, ["run", "--config", config, "--adapter", "caddyfile"], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      XSTREAM_SITE_SCHEME: "http://",
      // An address as the domain: the site answers http://127.0.0.1:<port>, IPv6 or not.
      XSTREAM_DOMAIN: "127.0.0.1",
      XSTREAM_BRIDGE_UPSTREAM: hostPort(stack.bridgeUrl),
      XSTREAM_SYNAPSE_UPSTREAM: hostPort(stack.synapseUrl),
      // Synapse's worker routes (synapse-config/synapse-routes.caddy): workers or the main process.
      ...stack.synapseUpstreams,
      XSTREAM_LIVEKIT_UPSTREAM: hostPort(stack.livekitUrl),
      XSTREAM_CLIENT_DIR: join(repoRoot, "client", "dist"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  caddy.stdout?.pipe(log);
  caddy.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (caddy.exitCode === null) {
      const exited = new Promise((resolve) => caddy.once("exit", resolve));
      caddy.kill("SIGTERM");
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    await untilAnswering(`${url}/healthz`, caddy, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
