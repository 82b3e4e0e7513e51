import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CADDY_VERSION,
  ensureCaddy,
  ensureLiveKit,
  ensureSchemathesis,
  ensureSynapse,
  MissingToolError,
} from "./tools.ts";

describe("missing tools are named with what to install", () => {
  let toolsDir: string;
  let savedPath: string | undefined;
  let savedLiveKit: string | undefined;
  let savedCaddy: string | undefined;
  // A PATH holding only a shell: no python3, no go, no livekit-server.
  let barePath: string;
  const sink = () => {};

  beforeEach(async () => {
    toolsDir = await mkdtemp(join(tmpdir(), "xstream-tools-"));
    barePath = join(toolsDir, "bin");
    await mkdir(barePath);
    await symlink("/bin/sh", join(barePath, "sh"));
    savedPath = process.env.PATH;
    savedLiveKit = process.env.XSTREAM_LIVEKIT_BIN;
    delete process.env.XSTREAM_LIVEKIT_BIN;
    savedCaddy = process.env.XSTREAM_CADDY_BIN;
    delete process.env.XSTREAM_CADDY_BIN;
  });
  afterEach(async () => {
    process.env.PATH = savedPath;
    if (savedLiveKit !== undefined) process.env.XSTREAM_LIVEKIT_BIN = savedLiveKit;
    if (savedCaddy !== undefined) process.env.XSTREAM_CADDY_BIN = savedCaddy;
    await rm(toolsDir, { recursive: true, force: true });
  });

  it("says Synapse needs python3 3.10+", async () => {
    process.env.PATH = barePath;
    const failure = ensureSynapse(toolsDir, sink);
    await expect(failure).rejects.toBeInstanceOf(MissingToolError);
    await expect(failure).rejects.toThrow(
      /python3 was not found.*Python 3\.10 or newer.*apt-get install python3 python3-venv/s,
    );
  });

  it("says the API fuzzer (schemathesis) needs python3 3.10+", async () => {
    process.env.PATH = barePath;
    const failure = ensureSchemathesis(toolsDir, sink);
    await expect(failure).rejects.toBeInstanceOf(MissingToolError);
    await expect(failure).rejects.toThrow(/python3 was not found.*schemathesis 4\.32\.5 needs/s);
  });

  it("says livekit-server needs Go 1.26+", async () => {
    process.env.PATH = barePath;
    const failure = ensureLiveKit(toolsDir, sink);
    await expect(failure).rejects.toBeInstanceOf(MissingToolError);
    await expect(failure).rejects.toThrow(/go was not found.*Go 1\.26 or newer/s);
  });

  it("says caddy needs Go, rejects a missing XSTREAM_CADDY_BIN and reuses a built one", async () => {
    process.env.PATH = barePath;
    const failure = ensureCaddy(toolsDir, sink);
    await expect(failure).rejects.toBeInstanceOf(MissingToolError);
    await expect(failure).rejects.toThrow(/go was not found.*caddy binary on PATH/s);
    process.env.XSTREAM_CADDY_BIN = join(toolsDir, "nope");
    await expect(ensureCaddy(toolsDir, sink)).rejects.toThrow(/XSTREAM_CADDY_BIN points at/);
    delete process.env.XSTREAM_CADDY_BIN;
    const built = join(toolsDir, `caddy-${CADDY_VERSION}`);
    await writeFile(built, "");
    await expect(ensureCaddy(toolsDir, sink)).resolves.toBe(built);
  });

  it("rejects an XSTREAM_LIVEKIT_BIN that does not exist", async () => {
    process.env.XSTREAM_LIVEKIT_BIN = join(toolsDir, "nope");
    await expect(ensureLiveKit(toolsDir, sink)).rejects.toThrow(/XSTREAM_LIVEKIT_BIN points at/);
  });
});
