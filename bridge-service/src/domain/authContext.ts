import type { Logger } from "../logger.js";
import type { SynapseAdmin } from "../matrix/synapseAdmin.js";
import type { AccountStore } from "../store/accountStore.js";
import type { LoginTokenStore } from "../store/loginTokenStore.js";
import type { PasswordFailureStore } from "../store/passwordFailureStore.js";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import type { SessionStore } from "../store/sessionStore.js";
import type { PasswordAttempts, PasswordFailurePolicy } from "./passwordFailures.js";
import type { AuthRateLimitRules } from "./rateLimits.js";

/** Signing settings of the bridge's own access JWTs (the `xs_access` cookie). */
export interface AccessTokenSettings {
  /** HS256 key (SESSION_SECRET). */
  secret: string;
  /** PUBLIC_URL's origin. */
  issuer: string;
  audience: string;
  ttlMs: number;
}

/** Settings of the JWTs Synapse accepts for `org.matrix.login.jwt` (its `jwt_config`). */
export interface SynapseLoginTokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlMs: number;
}

export interface AuthSettings {
  /** The homeserver's server_name: accounts are `@<username>:<serverName>`. */
  serverName: string;
  accessToken: AccessTokenSettings;
  /** Each refresh token lives this long after its rotation… */
  refreshTokenTtlMs: number;
  /** …but no session outlives this, counted from its first sign-in. */
  sessionMaxLifetimeMs: number;
  synapseLoginToken: SynapseLoginTokenSettings;
  rateLimits: AuthRateLimitRules;
  /** Wrong passwords, wherever they are tried (passwordFailures.ts). */
  passwordPolicy: PasswordFailurePolicy;
}

/** Everything the account and session functions work with. */
export interface AuthContext {
  accounts: AccountStore;
  sessions: SessionStore;
  loginTokens: LoginTokenStore;
  rateLimits: RateLimitStore;
  passwordFailures: PasswordFailureStore;
  synapse: SynapseAdmin;
  settings: AuthSettings;
  now: () => Date;
  logger: Logger;
}

/** The password failure policy as the account functions and the login gateway use it. */
export function passwordAttemptsOf(
  ctx: Pick<AuthContext, "passwordFailures" | "settings" | "now">,
): PasswordAttempts {
  return { store: ctx.passwordFailures, policy: ctx.settings.passwordPolicy, now: ctx.now };
}

export const ACCESS_TOKEN_AUDIENCE = "xstream-api";
export const ACCESS_TOKEN_TTL_MS = 15 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;
export const DAY_MS = 24 * 60 * 60_000;
/** Synapse login tokens are exchanged at once; 60 s covers a slow network and nothing more. */
export const SYNAPSE_LOGIN_TOKEN_TTL_MS = 60_000;
