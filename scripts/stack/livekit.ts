// LiveKit SFU with its config rendered from livekit-config/; rooms are never auto-created.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { livekitTemplates } from "./paths.ts";
import type { ManagedProcess, Supervisor } from "./processes.ts";
import { answersOk } from "./processes.ts";
import { renderTemplate } from "./render.ts";

export interface LiveKitOptions {
  binary: string;
  dir: string;
  port: number;
  rtcTcpPort: number;
  udpStart: number;
  udpEnd: number;
  apiKey: string;
  apiSecret: string;
  logLevel: "info" | "warn";
}

export async function startLiveKit(
  supervisor: Supervisor,
  options: LiveKitOptions,
): Promise<{ process: ManagedProcess; url: string; ready: Promise<void> }> {
  await mkdir(options.dir, { recursive: true });
  const template = await readFile(join(livekitTemplates, "livekit.yaml"), "utf8");
  const configFile = join(options.dir, "livekit.yaml");
  const rendered = renderTemplate(
    template,
    {
      XS_LIVEKIT_PORT: options.port,
      XS_LIVEKIT_BIND: "127.0.0.1",
      XS_LIVEKIT_RTC_TCP_PORT: options.rtcTcpPort,
      XS_LIVEKIT_RTC_UDP_START: options.udpStart,
      XS_LIVEKIT_RTC_UDP_END: options.udpEnd,
      XS_LIVEKIT_NODE_IP: "127.0.0.1",
      XS_LIVEKIT_API_KEY: options.apiKey,
      XS_LIVEKIT_API_SECRET: options.apiSecret,
      XS_LIVEKIT_LOG_LEVEL: options.logLevel,
    },
    "livekit.yaml",
  );
  await writeFile(configFile, rendered, { mode: 0o600 });
  const url = `http://127.0.0.1:${options.port}`;
  const managed = await supervisor.start("livekit", options.binary, ["--config", configFile], {
    cwd: options.dir,
    // LiveKit answers "OK" on its HTTP root while it serves.
    health: { check: () => answersOk(`${url}/`), startupMs: 60_000 },
  });
  const ready = supervisor.ready(managed, "LiveKit");
  return { process: managed, url, ready };
}
