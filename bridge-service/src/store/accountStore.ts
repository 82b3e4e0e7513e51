import type { Role } from "@xstream/contract/limits";

/** Account roles, from least to most privileged (also the database's CHECK constraint). */
export { ROLES, type Role } from "@xstream/contract/limits";

export interface AccountRecord {
  id: string;
  /** Lower-cased Matrix localpart; unique. */
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
}

export interface NewAccount {
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
}

/** Another account already has this username. */
export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`username ${username} is taken`);
    this.name = "UsernameTakenError";
  }
}

export interface AccountStore {
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  findById(id: string): Promise<AccountRecord | undefined>;
  /**
   * Inserts the account, then runs `confirm` (e.g. creating the Matrix user) before committing.
   * If `confirm` throws, nothing is written. Rejects if the commit itself fails, after `confirm`
   * succeeded: the caller must then undo what `confirm` did.
   * @throws UsernameTakenError (before `confirm` runs)
   */
  createAccount(
    account: NewAccount,
    confirm: (account: AccountRecord) => Promise<void>,
  ): Promise<AccountRecord>;
  /** Same all-or-nothing contract as `createAccount`, for a password change. */
  updatePasswordHash(
    accountId: string,
    passwordHash: string,
    confirm: () => Promise<void>,
  ): Promise<void>;
  /**
   * Replaces the hash only if it is still `expectedHash` (re-hashing with new parameters at login
   * must not undo a concurrent password change).
   */
  rehashPassword(accountId: string, expectedHash: string, passwordHash: string): Promise<void>;
  /** Sets the role of an existing account; undefined if there is no such account. */
  setRole(username: string, role: Role): Promise<AccountRecord | undefined>;
}
