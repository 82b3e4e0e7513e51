import { Writable } from "node:stream";
import { createLogger, type Logger } from "../logger.js";

/**
 * A debug-level logger whose output tests can read: `lines` as written (JSON text), and
 * `records()` parsed.
 */
export function createCapturedLogger(): {
  logger: Logger;
  lines: string[];
  records: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const logger = createLogger(
    "debug",
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
