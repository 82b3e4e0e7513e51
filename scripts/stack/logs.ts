// Where the parts' output goes under `npm start`: every line into the part's own file under the
// state folder (rotated by size), and to the terminal only what a person should see — start-up
// progress, restarts, warnings and errors — unless they asked for the full stream.
import { join } from "node:path";
import { createStream, type RotatingFileStream } from "rotating-file-stream";
import type { LogSink } from "./processes.ts";

/** Each part's current log is `<part>.log`; older ones are `<part>.log.1` … `.3`. */
export const LOG_FILE_SIZE = "10M";
export const LOG_FILES_KEPT = 3;

// Levels as the parts print them: pino's numbers (bridge), Synapse's and LiveKit's words,
// PostgreSQL's "WARNING:"/"FATAL:" prefixes.
const PINO_WARNING = /"level":\s*(?:[4-9]\d|"(?:warn|error|fatal)")/;
const WORD_WARNING = /\b(?:WARN|WARNING|ERROR|FATAL|PANIC|CRITICAL)\b/;

// PostgreSQL refusing our own health probes while it starts or recovers after a restart: expected,
// and the restart itself is already reported.
const POSTGRES_STARTING =
  /FATAL:\s+the database system is (?:starting up|not yet accepting connections|in recovery mode|shutting down)/;

// Synapse's start-up banner (version, copyright), which it logs at WARNING so that it always
// shows; "Synapse is up" already says as much.
const SYNAPSE_BANNER = /\bsynapse\.config\.logger - main - /;

/** Whether a part's log line is a warning or an error. */
export function isWarningOrError(line: string): boolean {
  if (POSTGRES_STARTING.test(line) || SYNAPSE_BANNER.test(line)) return false;
  return PINO_WARNING.test(line) || WORD_WARNING.test(line);
}

export interface PartLogs {
  sink: LogSink;
  /** Flushes and closes every file. */
  close(): Promise<void>;
}

/** One size-rotated file per part in `logsDir`. */
export function partLogFiles(
  logsDir: string,
  { size = LOG_FILE_SIZE, kept = LOG_FILES_KEPT } = {},
): PartLogs {
  const streams = new Map<string, RotatingFileStream>();
  const streamFor = (part: string) => {
    let stream = streams.get(part);
    if (!stream) {
      stream = createStream(`${part}.log`, {
        path: logsDir,
        size,
        rotate: kept,
      });
      // A full disk must not take the stack down; the terminal still shows what matters.
      stream.on("error", () => {});
      streams.set(part, stream);
    }
    return stream;
  };
  return {
    sink: (part, line) => {
      streamFor(part).write(`${new Date().toISOString()} ${line}\n`);
    },
    close: async () => {
      await Promise.all(
        [...streams.values()].map(
          (stream) => new Promise<void>((resolve) => stream.end(() => resolve())),
        ),
      );
      streams.clear();
    },
  };
}

/** Sends every line to `all`, and to `terminal` what `verbose` or its importance asks for. */
export function splitSink(all: LogSink, terminal: LogSink, verbose: boolean): LogSink {
  return (part, line) => {
    all(part, line);
    if (verbose || part === "setup" || isWarningOrError(line)) terminal(part, line);
  };
}

export function logsDirOf(stateDir: string): string {
  return join(stateDir, "logs");
}
