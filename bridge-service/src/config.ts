import { isIP } from "node:net";
import { z } from "zod";
import {
  normalizeUsername,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from "./domain/accountRules.js";
import { isServerName } from "./domain/matrixIds.js";
import { type EmailConfig, emailConfigFrom, emailEnvShape } from "./email/emailConfig.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Express's `trust proxy` setting: a boolean, a hop count, or addresses/subnets/named ranges. */
export type TrustProxy = boolean | number | string;

export interface AuthRateLimits {
  signupsPerIpPerHour: number;
  loginsPerIpPerMinute: number;
  /** Failed password checks before the password failure policy starts making attempts wait. */
  freeFailuresPerAccountAndAddress: number;
  freeFailuresPerAddress: number;
  freeFailuresPerAccount: number;
}

export interface BridgeConfig {
  http: { host: string; port: number; trustProxy: TrustProxy };
  /** The Prometheus listener (`GET /metrics`), apart from the public port; off without a port. */
  metrics: { host: string; port: number | undefined };
  databaseUrl: string;
  /** Origin learners open in their browser, without a trailing slash. */
  publicUrl: string;
  matrix: {
    serverName: string;
    /** Synapse client-server base URL the bridge calls, without a trailing slash. */
    homeserverUrl: string;
    appserviceId: string;
    botLocalpart: string;
    /** `@${botLocalpart}:${serverName}`, the appservice's sender. */
    botUserId: string;
    asToken: string;
    hsToken: string;
  };
  synapse: {
    jwtSecret: string;
    jwtIssuer: string;
    jwtAudience: string;
    registrationSharedSecret: string;
  };
  livekit: { url: string; apiKey: string; apiSecret: string };
  rtc: {
    /** Other homeservers whose users may get call tokens; ours always may. */
    allowedHomeservers: readonly string[];
    tokensPerIpPerMinute: number;
    /** Whether requests to other homeservers may reach private, loopback… addresses. */
    allowPrivateAddresses: boolean;
  };
  auth: {
    /** HS256 key of the bridge's own access JWTs. */
    sessionSecret: string;
    /** Origins allowed to call /api with credentials (CORS) and to write (CSRF check). */
    allowedOrigins: readonly string[];
    /** Username (lower-cased) of an existing account made admin at start-up. */
    bootstrapAdmin: string | undefined;
    /** No web session lives longer than this from its first sign-in, however often refreshed. */
    sessionMaxLifetimeDays: number;
    rateLimits: AuthRateLimits;
  };
  push: {
    /** Web Push is off without VAPID keys. */
    vapid: { publicKey: string; privateKey: string; subject: string } | undefined;
    /** The push gateway's URL as the homeserver reaches it (the pushers' `data.url`). */
    gatewayUrl: string;
  };
  /** The partner directory (PARTNER_ORGANISATIONS). */
  directory: {
    /** Servers we pair with; each pairing is live once that server lists us too. */
    partners: readonly string[];
    /** Our name on partners' cards ("from <name>"). */
    organisationName: string;
    /** How often the pairing is checked again (invites, partners' rooms, ACL). */
    syncIntervalMs: number;
  };
  /** SMTP for the bridge's partner mails; email is off when undefined. */
  email: EmailConfig | undefined;
  logLevel: LogLevel;
}

/** Every problem with the environment, so an operator can fix them all in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid bridge-service configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

// Messages below are written by hand and never include the received value: several of these
// keys are secrets, and DATABASE_URL usually carries a password.

// docker-compose passes `KEY=` for unset variables; treat blank as absent so defaults apply.
const blankAsMissing = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const required = (what: string) =>
  z.preprocess(blankAsMissing, z.string({ error: `is required (${what})` }));

const withDefault = (fallback: string) =>
  z.preprocess(blankAsMissing, z.string().default(fallback));

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const urlWithProtocols = (what: string, protocols: readonly string[]) =>
  required(what)
    .refine((value) => protocols.includes(parseUrl(value)?.protocol ?? ""), {
      error: `must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL`,
    })
    .transform((value) => value.replace(/\/+$/, ""));

const secret = (what: string) =>
  required(what).refine((value) => value.length >= 32, {
    error: "must be at least 32 characters long",
  });

// Matrix user localparts / appservice ids: the spec's allowed characters.
const localpart = (fallback: string) =>
  withDefault(fallback).refine((value) => /^[a-z0-9._=\-/+]+$/.test(value), {
    error: "may only contain a-z, 0-9 and . _ = - / +",
  });

const positiveInteger = (fallback: number) =>
  withDefault(String(fallback))
    .refine(
      (value) => /^\d+$/.test(value) && Number(value) >= 1 && Number.isSafeInteger(Number(value)),
      {
        error: "must be an integer >= 1",
      },
    )
    .transform(Number);

/** An optional key of exactly `bytes` bytes in base64url; `what` names it in the error. */
const optionalBase64urlKey = (bytes: number, what: string) =>
  z
    .preprocess(blankAsMissing, z.string().optional())
    .refine(
      (value) =>
        value === undefined ||
        (/^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, "base64url").length === bytes),
      { error: `must be ${what}, base64url (${bytes} bytes)` },
    );

const NAMED_PROXY_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (NAMED_PROXY_RANGES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  // proxy-addr also takes a netmask for IPv4, e.g. 10.0.0.0/255.0.0.0.
  if (isIP(prefix) === 4) return isIP(address) === 4;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d+$/.test(prefix) && Number(prefix) <= max;
}

const trustProxy = withDefault("loopback")
  .refine(
    (value) =>
      ["true", "false"].includes(value) ||
      /^\d+$/.test(value) ||
      value.split(",").every((entry) => isProxyAddress(entry.trim())),
    {
      error:
        'must be true, false, a hop count, or comma-separated addresses, CIDR subnets or "loopback", "linklocal", "uniquelocal"',
    },
  )
  .transform((value): TrustProxy => {
    if (value === "true") return true;
    if (value === "false") return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value;
  });

const originList = z
  .preprocess(blankAsMissing, z.string().optional())
  .refine(
    (value) =>
      value === undefined ||
      value.split(",").every((entry) => {
        const url = parseUrl(entry.trim());
        return (
          (url?.protocol === "http:" || url?.protocol === "https:") &&
          url.origin === entry.trim().replace(/\/+$/, "")
        );
      }),
    { error: "must be comma-separated origins such as https://example.org (no path)" },
  )
  .transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(",")
          .map((entry) => entry.trim().replace(/\/+$/, ""))
          .filter(Boolean),
  );

const serverNameList = z
  .preprocess(blankAsMissing, z.string().optional())
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .superRefine((names, ctx) => {
    // Server names are public, so the bad one is named (unlike the secrets above).
    const bad = names.find((name) => !isServerName(name));
    if (bad !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `must be comma-separated Matrix server names such as example.org or matrix.example.org:8448 (not ${JSON.stringify(bad)})`,
      });
    }
  });

const envSchema = z.object({
  BRIDGE_HOST: withDefault("127.0.0.1"),
  BRIDGE_PORT: withDefault("9000").refine(
    (value) => /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535,
    { error: "must be an integer from 1 to 65535" },
  ),
  METRICS_HOST: withDefault("127.0.0.1").refine((value) => isIP(value) !== 0, {
    error: "must be an IP address to listen on, e.g. 127.0.0.1",
  }),
  METRICS_PORT: z
    .preprocess(blankAsMissing, z.string().optional())
    .refine(
      (value) =>
        value === undefined ||
        (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535),
      { error: "must be an integer from 1 to 65535" },
    )
    .transform((value) => (value === undefined ? undefined : Number(value))),
  DATABASE_URL: urlWithProtocols("PostgreSQL connection URL", ["postgres:", "postgresql:"]),
  MATRIX_SERVER_NAME: required("the homeserver's server_name, e.g. localhost").refine(
    (value) => /^[A-Za-z0-9.\-[\]:]+$/.test(value),
    { error: "must be a hostname with an optional port, e.g. example.org or localhost:8448" },
  ),
  HOMESERVER_URL: urlWithProtocols("Synapse client-server base URL", ["http:", "https:"]),
  PUBLIC_URL: urlWithProtocols("origin learners open", ["http:", "https:"]).refine(
    (value) => parseUrl(value)?.origin === value,
    { error: "must be an origin such as https://example.org (no path, query or fragment)" },
  ),
  AS_ID: localpart("xstream"),
  BOT_LOCALPART: localpart("xstream"),
  AS_TOKEN: secret("appservice as_token"),
  HS_TOKEN: secret("appservice hs_token"),
  SYNAPSE_JWT_SECRET: secret("Synapse jwt_config secret"),
  SYNAPSE_JWT_ISSUER: required("Synapse jwt_config issuer"),
  SYNAPSE_JWT_AUDIENCE: required("Synapse jwt_config audience"),
  SYNAPSE_REGISTRATION_SHARED_SECRET: secret("Synapse registration_shared_secret"),
  LIVEKIT_URL: urlWithProtocols("LiveKit server URL", ["ws:", "wss:"]),
  LIVEKIT_API_KEY: required("LiveKit API key"),
  LIVEKIT_API_SECRET: secret("LiveKit API secret"),
  RTC_ALLOWED_HOMESERVERS: serverNameList,
  RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE: positiveInteger(60),
  OUTBOUND_ALLOW_PRIVATE_ADDRESSES: z.preprocess(
    blankAsMissing,
    z
      .enum(["true", "false"], { error: "must be true or false" })
      .default("false")
      .transform((value) => value === "true"),
  ),
  SESSION_SECRET: secret("key for the bridge's session JWTs"),
  SESSION_MAX_LIFETIME_DAYS: positiveInteger(90),
  CORS_ALLOWED_ORIGINS: originList,
  BOOTSTRAP_ADMIN: z
    .preprocess(blankAsMissing, z.string().optional())
    .transform((value) => (value === undefined ? undefined : normalizeUsername(value)))
    .refine(
      (value) =>
        value === undefined ||
        (USERNAME_PATTERN.test(value) &&
          value.length >= USERNAME_MIN_LENGTH &&
          value.length <= USERNAME_MAX_LENGTH),
      {
        error: `must be a username (${USERNAME_MIN_LENGTH}-${USERNAME_MAX_LENGTH} characters of a-z, 0-9 and . _ = - /)`,
      },
    ),
  RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: positiveInteger(10),
  RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE: positiveInteger(30),
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT_AND_ADDRESS: positiveInteger(5),
  RATE_LIMIT_PASSWORD_FAILURES_PER_ADDRESS: positiveInteger(30),
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: positiveInteger(10),
  TRUST_PROXY: trustProxy,
  VAPID_PUBLIC_KEY: optionalBase64urlKey(65, "an uncompressed P-256 public key"),
  VAPID_PRIVATE_KEY: optionalBase64urlKey(32, "a P-256 private key"),
  VAPID_SUBJECT: z
    .preprocess(blankAsMissing, z.string().optional())
    .refine(
      (value) =>
        value === undefined || ["mailto:", "https:"].includes(parseUrl(value)?.protocol ?? ""),
      { error: "must be a mailto: address or an https: URL" },
    ),
  PUSH_GATEWAY_URL: z
    .preprocess(blankAsMissing, z.string().optional())
    .refine(
      (value) =>
        value === undefined ||
        (["http:", "https:"].includes(parseUrl(value)?.protocol ?? "") &&
          parseUrl(value)?.pathname === "/_matrix/push/v1/notify"),
      { error: "must be an http(s) URL ending in /_matrix/push/v1/notify" },
    ),
  PARTNER_ORGANISATIONS: serverNameList,
  PARTNER_SYNC_SECONDS: positiveInteger(30),
  ORGANISATION_NAME: z
    .preprocess(blankAsMissing, z.string().optional())
    .refine(
      (value) => value === undefined || (value.trim().length <= 64 && !/\p{Cc}/u.test(value)),
      {
        error: "must be at most 64 characters, without control characters",
      },
    ),
  ...emailEnvShape,
  LOG_LEVEL: z.preprocess(
    blankAsMissing,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
});

/**
 * Reads and validates the bridge's configuration. Pure: pass `process.env` once at start-up.
 * @throws ConfigError listing every missing or invalid key.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): BridgeConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join(".") || "environment";
      return `${key} ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError(["VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together"]);
  }
  // Synapse reaches the bridge where it listens; a wildcard bind is reached on loopback.
  const gatewayHost = ["0.0.0.0", "::"].includes(e.BRIDGE_HOST) ? "127.0.0.1" : e.BRIDGE_HOST;
  const publicUrl = new URL(e.PUBLIC_URL);
  return {
    http: { host: e.BRIDGE_HOST, port: Number(e.BRIDGE_PORT), trustProxy: e.TRUST_PROXY },
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL,
    matrix: {
      serverName: e.MATRIX_SERVER_NAME,
      homeserverUrl: e.HOMESERVER_URL,
      appserviceId: e.AS_ID,
      botLocalpart: e.BOT_LOCALPART,
      botUserId: `@${e.BOT_LOCALPART}:${e.MATRIX_SERVER_NAME}`,
      asToken: e.AS_TOKEN,
      hsToken: e.HS_TOKEN,
    },
    synapse: {
      jwtSecret: e.SYNAPSE_JWT_SECRET,
      jwtIssuer: e.SYNAPSE_JWT_ISSUER,
      jwtAudience: e.SYNAPSE_JWT_AUDIENCE,
      registrationSharedSecret: e.SYNAPSE_REGISTRATION_SHARED_SECRET,
    },
    livekit: { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET },
    rtc: {
      allowedHomeservers: e.RTC_ALLOWED_HOMESERVERS,
      tokensPerIpPerMinute: e.RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE,
      allowPrivateAddresses: e.OUTBOUND_ALLOW_PRIVATE_ADDRESSES,
    },
    auth: {
      sessionSecret: e.SESSION_SECRET,
      allowedOrigins: e.CORS_ALLOWED_ORIGINS ?? [e.PUBLIC_URL],
      bootstrapAdmin: e.BOOTSTRAP_ADMIN,
      sessionMaxLifetimeDays: e.SESSION_MAX_LIFETIME_DAYS,
      rateLimits: {
        signupsPerIpPerHour: e.RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR,
        loginsPerIpPerMinute: e.RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE,
        freeFailuresPerAccountAndAddress: e.RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        freeFailuresPerAddress: e.RATE_LIMIT_PASSWORD_FAILURES_PER_ADDRESS,
        freeFailuresPerAccount: e.RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT,
      },
    },
    push: {
      vapid:
        e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
          ? {
              publicKey: e.VAPID_PUBLIC_KEY,
              privateKey: e.VAPID_PRIVATE_KEY,
              // Push services want a contact: the operator's choice, else the site itself.
              subject:
                e.VAPID_SUBJECT ??
                (publicUrl.protocol === "https:"
                  ? e.PUBLIC_URL
                  : `mailto:postmaster@${publicUrl.hostname}`),
            }
          : undefined,
      gatewayUrl:
        e.PUSH_GATEWAY_URL ??
        `http://${isIP(gatewayHost) === 6 ? `[${gatewayHost}]` : gatewayHost}:${e.BRIDGE_PORT}/_matrix/push/v1/notify`,
    },
    directory: {
      // Listing ourselves would pair us with ourselves; duplicates change nothing.
      partners: [...new Set(e.PARTNER_ORGANISATIONS)].filter(
        (name) => name !== e.MATRIX_SERVER_NAME,
      ),
      organisationName: e.ORGANISATION_NAME?.trim() || e.MATRIX_SERVER_NAME,
      syncIntervalMs: e.PARTNER_SYNC_SECONDS * 1_000,
    },
    email: emailConfigFrom(e, publicUrl),
    logLevel: e.LOG_LEVEL,
  };
}
