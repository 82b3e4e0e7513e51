import { randomUUID } from "node:crypto";
import { type AccountRecord, type AccountStore, UsernameTakenError } from "../accountStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export interface InMemoryAccountStore extends AccountStore {
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  /** Makes the next commit fail after `confirm` succeeded, as a lost connection would. */
  failNextCommit(error?: Error): void;
}

export function createInMemoryAccountStore(): InMemoryAccountStore {
  const accounts = new Map<string, AccountRecord>();
  // Names being inserted by a transaction that has not ended; the unique index holds them.
  const pending = new Set<string>();
  let commitFailure: Error | undefined;

  const takeCommitFailure = () => {
    const failure = commitFailure;
    commitFailure = undefined;
    if (failure) throw failure;
  };
  const byUsername = (username: string) =>
    [...accounts.values()].find((account) => account.username === username);

  return {
    accounts,
    failNextCommit(error = new Error("commit failed: connection terminated")) {
      commitFailure = error;
    },
    async findByUsername(username) {
      return byUsername(username);
    },
    async findById(id) {
      return accounts.get(id);
    },
    async createAccount(account, confirm) {
      if (byUsername(account.username) || pending.has(account.username)) {
        throw new UsernameTakenError(account.username);
      }
      const record: AccountRecord = { ...account, id: randomUUID(), createdAt: new Date() };
      pending.add(account.username);
      try {
        await confirm(record);
        takeCommitFailure();
        accounts.set(record.id, record);
        return record;
      } finally {
        pending.delete(account.username);
      }
    },
    async updatePasswordHash(accountId, passwordHash, confirm) {
      const account = accounts.get(accountId);
      await confirm();
      takeCommitFailure();
      if (account) accounts.set(accountId, { ...account, passwordHash });
    },
    async rehashPassword(accountId, expectedHash, passwordHash) {
      const account = accounts.get(accountId);
      if (account?.passwordHash === expectedHash) {
        accounts.set(accountId, { ...account, passwordHash });
      }
    },
    async setRole(username, role) {
      const account = byUsername(username);
      if (!account) return undefined;
      const updated = { ...account, role };
      accounts.set(account.id, updated);
      return updated;
    },
  };
}
