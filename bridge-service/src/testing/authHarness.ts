import type { Express } from "express";
import { type AppDeps, createApp } from "../app.js";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TTL_MS,
  type AuthContext,
  type AuthSettings,
  DAY_MS,
  REFRESH_TOKEN_TTL_MS,
  SYNAPSE_LOGIN_TOKEN_TTL_MS,
} from "../domain/authContext.js";
import { passwordFailurePolicy } from "../domain/passwordFailures.js";
import { authRateLimitRules } from "../domain/rateLimits.js";
import { startSession } from "../domain/sessions.js";
import { createLogger, type Logger } from "../logger.js";
import { AppserviceEvents } from "../matrix/appserviceEvents.js";
import {
  createInMemorySynapseAdmin,
  type InMemorySynapseAdmin,
} from "../matrix/inMemorySynapseAdmin.js";
import type { RelayedRequest, RelayedResponse } from "../matrix/loginRelay.js";
import type { Role } from "../store/accountStore.js";
import {
  createInMemoryAccountStore,
  type InMemoryAccountStore,
} from "../store/memory/inMemoryAccountStore.js";
import {
  createInMemoryLoginTokenStore,
  type InMemoryLoginTokenStore,
} from "../store/memory/inMemoryLoginTokenStore.js";
import { createInMemoryPasswordFailureStore } from "../store/memory/inMemoryPasswordFailureStore.js";
import { createInMemoryRateLimitStore } from "../store/memory/inMemoryRateLimitStore.js";
import {
  createInMemorySessionStore,
  type InMemorySessionStore,
} from "../store/memory/inMemorySessionStore.js";
import { createInMemoryTransactionStore } from "../store/memory/inMemoryTransactionStore.js";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import { createCapturedLogger } from "./capturedLogger.js";
import { createUnusedPartnerContext } from "./partnerHarness.js";

export const SERVER_NAME = "localhost";
export const PUBLIC_URL = "http://localhost:8080";
export const SESSION_SECRET = "session-secret-0123456789abcdef0123456789";
export const SYNAPSE_JWT_SECRET = "synapse-jwt-secret-0123456789abcdef012345";
export const SYNAPSE_JWT_ISSUER = "xstream-bridge";
export const SYNAPSE_JWT_AUDIENCE = "xstream-synapse";
/** A password every rule accepts, for any username used in tests. */
export const GOOD_PASSWORD = "river-otter-lantern-42";

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

/** Starts at the real time (cookie jars drop cookies that look expired) and moves on demand. */
export function createTestClock(): TestClock {
  let current = Date.now();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface TestAuth {
  auth: AuthContext;
  accounts: InMemoryAccountStore;
  sessions: InMemorySessionStore;
  loginTokens: InMemoryLoginTokenStore;
  rateLimits: RateLimitStore;
  passwordFailures: ReturnType<typeof createInMemoryPasswordFailureStore>;
  synapse: InMemorySynapseAdmin;
  clock: TestClock;
}

export function testAuthSettings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    serverName: SERVER_NAME,
    accessToken: {
      secret: SESSION_SECRET,
      issuer: PUBLIC_URL,
      audience: ACCESS_TOKEN_AUDIENCE,
      ttlMs: ACCESS_TOKEN_TTL_MS,
    },
    refreshTokenTtlMs: REFRESH_TOKEN_TTL_MS,
    sessionMaxLifetimeMs: 90 * DAY_MS,
    synapseLoginToken: {
      secret: SYNAPSE_JWT_SECRET,
      issuer: SYNAPSE_JWT_ISSUER,
      audience: SYNAPSE_JWT_AUDIENCE,
      ttlMs: SYNAPSE_LOGIN_TOKEN_TTL_MS,
    },
    rateLimits: authRateLimitRules({
      signupsPerIpPerHour: 1_000,
      loginsPerIpPerMinute: 1_000,
    }),
    // The production defaults: tests of the policy set their own.
    passwordPolicy: passwordFailurePolicy({
      freeFailuresPerAccountAndAddress: 5,
      freeFailuresPerAddress: 30,
      freeFailuresPerAccount: 10,
    }),
    ...overrides,
  };
}

export function createTestAuth(
  options: { settings?: Partial<AuthSettings>; logger?: Logger } = {},
): TestAuth {
  const accounts = createInMemoryAccountStore();
  const sessions = createInMemorySessionStore();
  const loginTokens = createInMemoryLoginTokenStore();
  const rateLimits = createInMemoryRateLimitStore();
  const passwordFailures = createInMemoryPasswordFailureStore();
  const synapse = createInMemorySynapseAdmin(SERVER_NAME);
  const clock = createTestClock();
  const auth: AuthContext = {
    accounts,
    sessions,
    loginTokens,
    rateLimits,
    passwordFailures,
    synapse,
    settings: testAuthSettings(options.settings),
    now: clock.now,
    logger: options.logger ?? createLogger("silent"),
  };
  return { auth, accounts, sessions, loginTokens, rateLimits, passwordFailures, synapse, clock };
}

/** A stand-in for Synapse's /login: records what reached it and answers 200. */
/** A new account signed in: its record, its session, and the access cookie a browser would send. */
export async function signedInAccount(testAuth: TestAuth, username: string, role: Role = "user") {
  const account = await testAuth.accounts.createAccount(
    { username, displayName: username, passwordHash: "x", role },
    async () => {},
  );
  const session = await startSession(testAuth.auth, account, "test");
  return { account, session, cookie: `xs_access=${session.accessToken}` };
}

export function createFakeLoginRelay() {
  const forwarded: RelayedRequest[] = [];
  let answer: RelayedResponse = {
    status: 200,
    headers: [
      ["content-type", "application/json"],
      ["access-control-allow-origin", "*"],
    ],
    body: Buffer.from(JSON.stringify({ user_id: "@ana:localhost", access_token: "syt_x" })),
  };
  return {
    forwarded,
    answerWith(response: RelayedResponse) {
      answer = response;
    },
    relay: async (request: RelayedRequest): Promise<RelayedResponse> => {
      forwarded.push(request);
      return answer;
    },
  };
}

/** The auth-related part of AppDeps, for tests that build the whole app. */
export function authAppDeps(
  testAuth: TestAuth,
  relay = createFakeLoginRelay().relay,
): Pick<AppDeps, "auth" | "partners" | "publicUrl" | "allowedOrigins" | "relayLogin"> {
  return {
    auth: testAuth.auth,
    partners: createUnusedPartnerContext(),
    publicUrl: PUBLIC_URL,
    allowedOrigins: [PUBLIC_URL],
    relayLogin: relay,
  };
}

/** The whole app on in-memory stores, with captured logs, for supertest. */
export function createTestApp(
  options: { settings?: Partial<AuthSettings>; relay?: AppDeps["relayLogin"] } = {},
) {
  const { logger, lines: logs } = createCapturedLogger();
  const testAuth = createTestAuth({ settings: options.settings, logger });
  const login = createFakeLoginRelay();
  const app = createAppAround(testAuth, logger, { relayLogin: options.relay ?? login.relay });
  return { app, logs, login, ...testAuth };
}

/**
 * The whole app around `testAuth`, on in-memory appservice stores; `extra` adds or replaces
 * parts (`rtc`, `push`, `relayLogin`…) for tests of those.
 */
export function createAppAround(
  testAuth: TestAuth,
  logger: Logger,
  extra: Partial<AppDeps> = {},
): Express {
  return createApp({
    logger,
    hsToken: "hs-token-0123456789abcdef0123456789abcdef",
    checkDatabase: async () => {},
    transactions: createInMemoryTransactionStore(),
    events: new AppserviceEvents((error) => {
      throw error;
    }),
    ...authAppDeps(testAuth),
    ...extra,
  });
}

/** Headers of a same-origin browser request. */
export const SAME_ORIGIN = { Origin: PUBLIC_URL } as const;

/** Parsed Set-Cookie headers by cookie name: value plus lower-cased attributes. */
export function setCookies(
  header: string | string[] | undefined,
): Record<string, { value: string; attributes: Record<string, string | true> }> {
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const result: Record<string, { value: string; attributes: Record<string, string | true> }> = {};
  for (const line of lines) {
    const [pair = "", ...parts] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const attributes: Record<string, string | true> = {};
    for (const part of parts) {
      const at = part.indexOf("=");
      if (at === -1) attributes[part.toLowerCase()] = true;
      else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
    }
    result[pair.slice(0, eq)] = { value: decodeURIComponent(pair.slice(eq + 1)), attributes };
  }
  return result;
}
