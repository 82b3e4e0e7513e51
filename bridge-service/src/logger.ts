import { pino } from "pino";
import type { LogLevel } from "./config.js";

export type Logger = pino.Logger;

// Credentials that can reach a log line through request serialisation. The access_token query
// parameter is the legacy (pre-v1.4) way homeservers and clients send tokens.
// Bodies are not serialised by pino-http, but a handler may log one: the credential fields of
// /api/auth and of Matrix /login are covered wherever they appear one or two levels deep.
const SECRET_FIELDS = [
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "access_token",
  "refresh_token",
  "refreshToken",
  "accessToken",
];
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-access-token"]',
  "req.query.access_token",
  "req.cookies",
  "req.body",
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "bridge-service" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Replaces the value of `access_token` query parameters in a request target. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, "$1[redacted]");
}
