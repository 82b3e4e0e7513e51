import { HomeserverError } from "../matrix/homeserver.js";
import {
  type AccountRecord,
  type AccountStore,
  type Role,
  UsernameTakenError,
} from "../store/accountStore.js";
import {
  normalizeUsername,
  USERNAME_MAX_LENGTH,
  validateDisplayName,
  validateNewPassword,
  validateNewUsername,
} from "./accountRules.js";
import { type AuthContext, passwordAttemptsOf } from "./authContext.js";
import { beginPasswordAttempt, type PasswordAttempt } from "./passwordFailures.js";
import { hashPassword, needsRehash, verifyAgainstDummyHash, verifyPassword } from "./passwords.js";
import { consumeRateLimit } from "./rateLimits.js";
import { Refusal } from "./refusal.js";

/** What clients see of an account. */
export interface UserView {
  username: string;
  displayName: string;
  role: Role;
  matrixUserId: string;
}

export function matrixUserIdOf(username: string, serverName: string): string {
  return `@${username}:${serverName}`;
}

export function describeUser(account: AccountRecord, serverName: string): UserView {
  return {
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    matrixUserId: matrixUserIdOf(account.username, serverName),
  };
}

/** Who is asking, for per-address rate limits. */
export interface ClientInfo {
  ip: string;
}

/** Synapse's refusals of a new user, in our terms. */
function refusalForRegistration(error: unknown): unknown {
  if (!(error instanceof HomeserverError)) return error;
  switch (error.errcode) {
    case "M_USER_IN_USE":
      return new Refusal("username_taken", "This username is already taken.", {
        field: "username",
      });
    case "M_INVALID_USERNAME":
      return new Refusal("invalid_username", "The homeserver does not accept this username.", {
        field: "username",
      });
    case "M_EXCLUSIVE":
      return new Refusal("reserved_username", "This username is reserved.", { field: "username" });
    default:
      return error;
  }
}

/**
 * Creates the account and its Matrix user `@username:server` as one step: the account row is
 * inserted, the Matrix user registered (same password) and only then committed. If Synapse
 * refuses, nothing is committed; if the commit fails after Synapse succeeded, the new Matrix user
 * is deactivated again.
 * @throws Refusal for invalid input, a taken username or an exceeded rate limit
 */
export async function signUp(
  ctx: AuthContext,
  input: { username: string; password: string; displayName: string },
  client: ClientInfo,
): Promise<AccountRecord> {
  const username = validateNewUsername(input.username);
  const displayName = validateDisplayName(input.displayName);
  validateNewPassword(input.password, username);
  // Counted only for well-formed attempts, so a form corrected a few times costs nothing; what
  // the limit stops is mass account creation and probing which names exist.
  await consumeRateLimit(ctx.rateLimits, ctx.settings.rateLimits.signupPerIp, client.ip, ctx.now());

  const passwordHash = await hashPassword(input.password);
  // Sign-up never grants a role: see applyBootstrapAdmin.
  const role: Role = "user";
  let registeredUserId: string | undefined;
  try {
    return await ctx.accounts.createAccount(
      { username, displayName, passwordHash, role },
      async () => {
        try {
          const { userId } = await ctx.synapse.registerUser({
            localpart: username,
            password: input.password,
            displayName,
          });
          registeredUserId = userId;
        } catch (error) {
          throw refusalForRegistration(error);
        }
      },
    );
  } catch (error) {
    if (error instanceof UsernameTakenError) {
      throw new Refusal("username_taken", "This username is already taken.", {
        field: "username",
      });
    }
    if (registeredUserId !== undefined) {
      ctx.logger.error(
        { err: error, userId: registeredUserId },
        "sign-up failed after the Matrix user was created; deactivating it",
      );
      await ctx.synapse
        .deactivateUser(registeredUserId)
        .catch((undoError: unknown) =>
          ctx.logger.error(
            { err: undoError, userId: registeredUserId },
            "could not deactivate the orphaned Matrix user",
          ),
        );
    }
    throw error;
  }
}

// Rate-limit and lookup keys come from user input; keep them short enough for an index.
const accountKey = (username: string) => normalizeUsername(username).slice(0, 64);

function invalidCredentials(): Refusal {
  return new Refusal("invalid_credentials", "Invalid username or password");
}

/** Checks a password under the failure policy: settles the attempt whatever happens. */
async function checkedPassword(
  attempt: PasswordAttempt,
  check: () => Promise<boolean>,
): Promise<boolean> {
  let valid: boolean;
  try {
    valid = await check();
  } catch (error) {
    await attempt.settle("void");
    throw error;
  }
  await attempt.settle(valid ? "success" : "failure");
  return valid;
}

/**
 * Checks a username and password. Unknown user and wrong password fail identically, and an
 * unknown user still costs one argon2 verification, so neither the answer nor its timing tells
 * whether an account exists. Failures count under the password failure policy, shared with
 * Matrix password logins and password change.
 * @throws Refusal `invalid_credentials` or `rate_limited`
 */
export async function logIn(
  ctx: AuthContext,
  input: { username: string; password: string },
  client: ClientInfo,
): Promise<AccountRecord> {
  const { rateLimits, settings } = ctx;
  const key = accountKey(input.username);
  await consumeRateLimit(rateLimits, settings.rateLimits.loginPerIp, client.ip, ctx.now());
  const attempt = await beginPasswordAttempt(passwordAttemptsOf(ctx), {
    account: key,
    ip: client.ip,
  });

  const account =
    key.length <= USERNAME_MAX_LENGTH ? await ctx.accounts.findByUsername(key) : undefined;
  const valid = await checkedPassword(attempt, () =>
    account
      ? verifyPassword(account.passwordHash, input.password)
      : verifyAgainstDummyHash(input.password).then(() => false),
  );
  if (!account || !valid) throw invalidCredentials();
  if (needsRehash(account.passwordHash)) {
    // Best effort: the login succeeds either way.
    await hashPassword(input.password)
      .then((upgraded) => ctx.accounts.rehashPassword(account.id, account.passwordHash, upgraded))
      .catch((error: unknown) => ctx.logger.warn({ err: error }, "password re-hash failed"));
  }
  return account;
}

/**
 * Changes the password here and on Synapse (which logs out every Matrix device), then revokes
 * every other session family of the account. The database change commits only after Synapse
 * accepted; if the commit then fails, Synapse gets the old password back.
 * @throws Refusal `wrong_current_password`, `weak_password` or `rate_limited`
 */
export async function changePassword(
  ctx: AuthContext,
  account: AccountRecord,
  input: { currentPassword: string; newPassword: string },
  keepFamilyId: string,
  client: ClientInfo,
): Promise<void> {
  // A stolen session must not become a way around the password failure policy.
  const attempt = await beginPasswordAttempt(passwordAttemptsOf(ctx), {
    account: account.username,
    ip: client.ip,
  });
  const valid = await checkedPassword(attempt, () =>
    verifyPassword(account.passwordHash, input.currentPassword),
  );
  if (!valid) {
    throw new Refusal("wrong_current_password", "Current password is wrong.", {
      field: "currentPassword",
    });
  }
  validateNewPassword(input.newPassword, account.username, "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  const userId = matrixUserIdOf(account.username, ctx.settings.serverName);
  let synapseChanged = false;
  try {
    await ctx.accounts.updatePasswordHash(account.id, passwordHash, async () => {
      await ctx.synapse.setPassword(userId, input.newPassword);
      synapseChanged = true;
    });
  } catch (error) {
    if (synapseChanged) {
      await ctx.synapse
        .setPassword(userId, input.currentPassword)
        .catch((undoError: unknown) =>
          ctx.logger.error(
            { err: undoError, userId },
            "password change failed to commit and the Matrix password could not be restored",
          ),
        );
    }
    throw error;
  }
  await ctx.sessions.revokeOtherFamilies(account.id, keepFamilyId, ctx.now());
}

/**
 * Sets an account's role (CLI, BOOTSTRAP_ADMIN); never reachable from sign-up input.
 * @returns the updated account, or undefined if there is no such account
 */
export function setRole(
  accounts: AccountStore,
  username: string,
  role: Role,
): Promise<AccountRecord | undefined> {
  return accounts.setRole(normalizeUsername(username), role);
}

/**
 * Makes the operator's BOOTSTRAP_ADMIN an admin if that account already exists. Only ever an
 * existing account: granting the role at sign-up would hand it to whoever registers the name
 * first, and names are public.
 */
export async function applyBootstrapAdmin(
  accounts: AccountStore,
  bootstrapAdmin: string | undefined,
): Promise<"not_set" | "no_such_account" | "promoted" | "already_admin"> {
  if (!bootstrapAdmin) return "not_set";
  const account = await accounts.findByUsername(normalizeUsername(bootstrapAdmin));
  if (!account) return "no_such_account";
  if (account.role === "admin") return "already_admin";
  await accounts.setRole(account.username, "admin");
  return "promoted";
}
