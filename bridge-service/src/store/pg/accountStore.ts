import { randomUUID } from "node:crypto";
import type pg from "pg";
import {
  type AccountRecord,
  type AccountStore,
  type Role,
  UsernameTakenError,
} from "../accountStore.js";
import { withTransaction } from "./database.js";

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  created_at: Date;
}

const COLUMNS = "id, username, display_name, password_hash, role, created_at";

function toRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
  };
}

export function createPgAccountStore(pool: pg.Pool): AccountStore {
  return {
    async findByUsername(username) {
      const { rows } = await pool.query<AccountRow>(
        `SELECT ${COLUMNS} FROM accounts WHERE username = $1`,
        [username],
      );
      return rows[0] && toRecord(rows[0]);
    },

    async findById(id) {
      const { rows } = await pool.query<AccountRow>(
        `SELECT ${COLUMNS} FROM accounts WHERE id = $1`,
        [id],
      );
      return rows[0] && toRecord(rows[0]);
    },

    createAccount(account, confirm) {
      return withTransaction(pool, async (client) => {
        // A concurrent sign-up with the same name waits here on the unique index until the
        // other transaction ends, then sees the conflict (or inserts, if that one rolled back).
        const { rows } = await client.query<AccountRow>(
          `INSERT INTO accounts (id, username, display_name, password_hash, role)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (username) DO NOTHING
           RETURNING ${COLUMNS}`,
          [randomUUID(), account.username, account.displayName, account.passwordHash, account.role],
        );
        const row = rows[0];
        if (!row) throw new UsernameTakenError(account.username);
        const record = toRecord(row);
        await confirm(record);
        return record;
      });
    },

    updatePasswordHash(accountId, passwordHash, confirm) {
      return withTransaction(pool, async (client) => {
        await client.query(
          "UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1",
          [accountId, passwordHash],
        );
        await confirm();
      });
    },

    async rehashPassword(accountId, expectedHash, passwordHash) {
      await pool.query(
        "UPDATE accounts SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
        [accountId, expectedHash, passwordHash],
      );
    },

    async setRole(username, role) {
      const { rows } = await pool.query<AccountRow>(
        `UPDATE accounts SET role = $2 WHERE username = $1 RETURNING ${COLUMNS}`,
        [username, role],
      );
      return rows[0] && toRecord(rows[0]);
    },
  };
}
