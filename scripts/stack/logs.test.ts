import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isWarningOrError, partLogFiles, splitSink } from "./logs.ts";

describe("isWarningOrError", () => {
  it("recognises each part's warnings and errors", () => {
    for (const line of [
      '{"level":40,"time":1,"msg":"idle database connection failed"}',
      '{"level":50,"msg":"bot command failed"}',
      "2026-12-06 05:00:00,000 - synapse.http - 100 - WARNING - GET-1 - slow",
      "2026-12-06T05:00:00.000Z\tERROR\tlivekit\tservice/roommanager.go:1\tfailed",
      '2026-12-06 05:00:00.000 UTC [42] FATAL:  password authentication failed for user "xstream_bridge"',
    ]) {
      expect(isWarningOrError(line), line).toBe(true);
    }
  });

  it("lets routine lines through to the files only", () => {
    for (const line of [
      '{"level":30,"msg":"request completed","res":{"statusCode":200}}',
      "2026-12-06 05:00:00,000 - synapse.access.http.8008 - 100 - INFO - GET-1 - 200 /health",
      "2026-12-06T05:00:00.000Z\tINFO\tlivekit\tserver started",
      "LOG:  database system is ready to accept connections",
      "a learner wrote: warnings are fine",
      // Our own health probes while PostgreSQL restarts.
      "2026-12-06 05:08:20.585 UTC [22429] FATAL:  the database system is not yet accepting connections",
      "2026-12-06 05:08:20.585 UTC [22429] FATAL:  the database system is starting up",
      // Synapse's start-up banner.
      "WARNING synapse.config.logger - main - ***** STARTING SERVER *****",
      "2026-12-06 07:06:40,000 - synapse.config.logger - main - WARNING - Copyright (c) 2023 New Vector, Inc",
    ]) {
      expect(isWarningOrError(line), line).toBe(false);
    }
  });
});

describe("splitSink", () => {
  it("keeps everything in the files and shows the terminal what matters", () => {
    const files: string[] = [];
    const terminal: string[] = [];
    const sink = splitSink(
      (part, line) => files.push(`${part}:${line}`),
      (part, line) => terminal.push(`${part}:${line}`),
      false,
    );
    sink("bridge", '{"level":30,"msg":"request completed"}');
    sink("setup", "starting PostgreSQL…");
    sink("synapse", "x - WARNING - y");
    expect(files).toHaveLength(3);
    expect(terminal).toEqual(["setup:starting PostgreSQL…", "synapse:x - WARNING - y"]);
  });

  it("shows everything when verbose", () => {
    const terminal: string[] = [];
    const sink = splitSink(
      () => {},
      (_part, line) => terminal.push(line),
      true,
    );
    sink("bridge", '{"level":30,"msg":"request completed"}');
    expect(terminal).toHaveLength(1);
  });
});

describe("partLogFiles", () => {
  it("writes one file per part and rotates it by size, keeping a few", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xstream-logs-"));
    try {
      const logs = partLogFiles(dir);
      logs.sink("bridge", "first line");
      logs.sink("synapse", "another part");
      await logs.close();
      expect((await readdir(dir)).sort()).toEqual(["bridge.log", "synapse.log"]);
      expect(await readFile(join(dir, "bridge.log"), "utf8")).toMatch(/Z first line\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rotates a part's file by size and keeps only the newest few", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xstream-logs-"));
    try {
      const logs = partLogFiles(dir, { size: "1K", kept: 2 });
      for (let line = 0; line < 200; line++) {
        logs.sink("bridge", `line ${line} ${"x".repeat(40)}`);
        // Rotation happens between writes; give the stream a turn now and then.
        if (line % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await logs.close();
      expect((await readdir(dir)).sort()).toEqual(["bridge.log", "bridge.log.1", "bridge.log.2"]);
      expect(await readFile(join(dir, "bridge.log"), "utf8")).toContain("line 199 ");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
