import type pg from "pg";
import { withTransaction } from "./database.js";

/**
 * A refresh-token family: one sign-in in one browser, through every rotation of its refresh
 * token. It owns one Matrix device.
 */
export interface SessionFamily {
  familyId: string;
  accountId: string;
  /** The Matrix device the browser logs in as; stable across rotations. */
  deviceId: string;
}

export interface NewRefreshToken {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: Buffer;
  expiresAt: Date;
}

export type RotationResult =
  /** `startedAt`: the family's first sign-in, which bounds the new token's useful life. */
  | { outcome: "rotated"; family: SessionFamily; startedAt: Date }
  /** The token had already been rotated: the whole family is now revoked. */
  | { outcome: "reused"; family: SessionFamily }
  /** The family began at or before the cut-off (its absolute lifetime is over): now revoked. */
  | { outcome: "ended"; family: SessionFamily }
  /** Unknown, expired or revoked. */
  | { outcome: "invalid" };

export interface SessionStore {
  createFamily(
    family: SessionFamily & { userAgent: string | undefined },
    token: NewRefreshToken,
    now: Date,
  ): Promise<void>;
  /**
   * Atomically marks the live token `tokenHash` as rotated and stores its replacement. Of two
   * concurrent rotations of one token, exactly one can succeed; the other sees a reuse. A family
   * that started at or before `startedAfter` is not rotated but revoked (`ended`).
   */
  rotate(
    tokenHash: Buffer,
    replacement: NewRefreshToken,
    now: Date,
    startedAfter: Date,
  ): Promise<RotationResult>;
  /** The family of a token in any state (logout must work with a rotated or expired one). */
  findFamilyByToken(tokenHash: Buffer): Promise<SessionFamily | undefined>;
  /**
   * The family if it still has an unrevoked, unexpired current token (and, given `startedAfter`,
   * began after it: a session past its absolute lifetime is not live).
   */
  findLiveFamily(
    familyId: string,
    now: Date,
    startedAfter?: Date,
  ): Promise<SessionFamily | undefined>;
  /** Revokes every token of the family. Idempotent. */
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Revokes every live family of the account except `keepFamilyId`; returns those revoked. */
  revokeOtherFamilies(accountId: string, keepFamilyId: string, now: Date): Promise<SessionFamily[]>;
  /**
   * Deletes expired tokens and tokens revoked before `revokedBefore`; returns how many. Rotated
   * tokens stay until they expire: they are what reuse detection recognizes.
   */
  prune(now: Date, revokedBefore: Date): Promise<number>;
}

/** Longest user agent kept; it only helps a user tell their sessions apart. */
export const USER_AGENT_MAX_LENGTH = 512;

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
