import type pg from "pg";
import {
  type NewRefreshToken,
  type RotationResult,
  type SessionFamily,
  type SessionStore,
  USER_AGENT_MAX_LENGTH,
} from "../sessionStore.js";
import { withTransaction } from "./database.js";

interface FamilyRow {
  family_id: string;
  account_id: string;
  device_id: string;
}

const toFamily = (row: FamilyRow): SessionFamily => ({
  familyId: row.family_id,
  accountId: row.account_id,
  deviceId: row.device_id,
});

/** One refresh token of a family: the first one at sign-in, then each rotation's successor. */
async function insertRefreshToken(
  db: pg.Pool | pg.PoolClient,
  family: SessionFamily,
  userAgent: string | null,
  token: NewRefreshToken,
  now: Date,
  sessionStartedAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_tokens
       (token_hash, family_id, account_id, device_id, user_agent, created_at, expires_at,
        session_started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      token.tokenHash,
      family.familyId,
      family.accountId,
      family.deviceId,
      userAgent,
      now,
      token.expiresAt,
      sessionStartedAt,
    ],
  );
}

const revokeFamilyIn = (db: pg.Pool | pg.PoolClient, familyId: string, now: Date) =>
  db.query(
    "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
    [familyId, now],
  );

export function createPgSessionStore(pool: pg.Pool): SessionStore {
  return {
    async createFamily(family, token, now) {
      await insertRefreshToken(
        pool,
        family,
        family.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
        token,
        now,
        now,
      );
    },

    rotate(tokenHash, replacement, now, startedAfter) {
      return withTransaction(pool, async (client): Promise<RotationResult> => {
        // The row lock serializes rotations of one token: a concurrent caller waits here and
        // then reads the committed `rotated_at`, so it takes the reuse branch.
        const { rows } = await client.query<
          FamilyRow & {
            user_agent: string | null;
            expires_at: Date;
            rotated_at: Date | null;
            revoked_at: Date | null;
            session_started_at: Date;
          }
        >(
          `SELECT family_id, account_id, device_id, user_agent, expires_at, rotated_at, revoked_at,
                  session_started_at
           FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
          [tokenHash],
        );
        const row = rows[0];
        if (!row || row.revoked_at !== null) return { outcome: "invalid" };
        const family = toFamily(row);
        if (row.rotated_at !== null) {
          await revokeFamilyIn(client, family.familyId, now);
          return { outcome: "reused", family };
        }
        if (row.expires_at <= now) return { outcome: "invalid" };
        if (row.session_started_at <= startedAfter) {
          await revokeFamilyIn(client, family.familyId, now);
          return { outcome: "ended", family };
        }
        await client.query("UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1", [
          tokenHash,
          now,
        ]);
        const startedAt = row.session_started_at;
        await insertRefreshToken(client, family, row.user_agent, replacement, now, startedAt);
        return { outcome: "rotated", family, startedAt };
      });
    },

    async findFamilyByToken(tokenHash) {
      const { rows } = await pool.query<FamilyRow>(
        "SELECT family_id, account_id, device_id FROM refresh_tokens WHERE token_hash = $1",
        [tokenHash],
      );
      return rows[0] && toFamily(rows[0]);
    },

    async findLiveFamily(familyId, now, startedAfter = new Date(0)) {
      const { rows } = await pool.query<FamilyRow>(
        `SELECT family_id, account_id, device_id FROM refresh_tokens
         WHERE family_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL AND expires_at > $2
           AND session_started_at > $3
         LIMIT 1`,
        [familyId, now, startedAfter],
      );
      return rows[0] && toFamily(rows[0]);
    },

    async revokeFamily(familyId, now) {
      await revokeFamilyIn(pool, familyId, now);
    },

    async revokeOtherFamilies(accountId, keepFamilyId, now) {
      const { rows } = await pool.query<FamilyRow>(
        `UPDATE refresh_tokens SET revoked_at = $3
         WHERE account_id = $1 AND family_id <> $2 AND revoked_at IS NULL
         RETURNING family_id, account_id, device_id`,
        [accountId, keepFamilyId, now],
      );
      const families = new Map(rows.map((row) => [row.family_id, toFamily(row)]));
      return [...families.values()];
    },

    async prune(now, revokedBefore) {
      const result = await pool.query(
        "DELETE FROM refresh_tokens WHERE expires_at <= $1 OR revoked_at < $2",
        [now, revokedBefore],
      );
      return result.rowCount ?? 0;
    },
  };
}
