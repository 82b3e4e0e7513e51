// A second bridge-service on the test stack's database and secrets, with settings of its own: what
// an operator's restart with other settings would run. Its homeserver URL points at a closed port
// so it does no Matrix work next to the stack's own bridge (Synapse keeps talking to that one).
import { spawn } from "node:child_process";
import { bridgeEnvironment } from "../scripts/stack/bridge.ts";
import { bridgeEntry } from "../scripts/stack/paths.ts";
import { freeTcpPort } from "../scripts/stack/ports.ts";
import { loadOrCreateSecrets } from "../scripts/stack/secrets.ts";
import type { StackInfo } from "./harness.ts";

export interface ExtraBridge {
  url: string;
  /** Everything it logged so far (JSON lines). */
  output(): string;
}

/** Runs `use` against a bridge started with `env` once it answers /healthz; then stops it. */
export async function withExtraBridge<T>(
  stack: StackInfo,
  env: Record<string, string>,
  use: (bridge: ExtraBridge) => Promise<T>,
): Promise<T> {
  const port = await freeTcpPort();
  const bridgeEnv = bridgeEnvironment({
    port,
    metricsPort: await freeTcpPort(),
    databaseUrl: stack.databaseUrl,
    serverName: stack.serverName,
    homeserverUrl: `http://127.0.0.1:${await freeTcpPort()}`,
    publicUrl: stack.publicUrl,
    livekitUrl: stack.livekitWsUrl,
    secrets: await loadOrCreateSecrets(stack.stateDir),
    logLevel: "info",
    extraEnv: env,
  });
  const child = spawn(process.execPath, [bridgeEntry], {
    env: { PATH: process.env.PATH ?? "", ...bridgeEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    // As long as the stack gives its own bridge (scripts/stack/bridge.ts): a machine running
    // other work can stretch a start well past its usual few seconds.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the extra bridge exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the extra bridge did not start:\n${output}`);
      const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return await use({ url, output: () => output });
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  }
}
