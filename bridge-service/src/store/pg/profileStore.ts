import type pg from "pg";
import type { PresenceState } from "../../domain/activity.js";
import type { MatchCandidate } from "../../domain/matching.js";
import type { AvailabilityWindow, LearningLanguage, Profile } from "../../domain/profiles.js";
import type { ProfileStore } from "../profileStore.js";
import { withTransaction } from "./database.js";

interface ProfileRow {
  user_id: string;
  display_name: string;
  native_languages: string[];
  learning: LearningLanguage[];
  interests: string[];
  timezone: string;
  availability: AvailabilityWindow[];
  bio: string;
  discoverable: boolean;
  created_at: Date;
  updated_at: Date;
}

interface SignalsRow {
  last_active_at: Date | null;
  presence: PresenceState | null;
  presence_at: Date | null;
  pending_incoming: number;
}

const PROFILE_COLUMNS = `p.user_id, p.display_name, p.native_languages, p.learning, p.interests,
  p.timezone, p.availability, p.bio, p.discoverable, p.created_at, p.updated_at`;

// Ranking signals of profile `p`; user_activity and user_presence are joined as `a` and `pr`.
const SIGNAL_COLUMNS = `a.last_active_at, pr.presence, pr.updated_at AS presence_at,
  (SELECT count(*) FROM partner_requests r
    WHERE r.recipient = p.user_id AND r.status = 'pending')::int AS pending_incoming`;

const SIGNAL_JOINS = `LEFT JOIN user_activity a ON a.user_id = p.user_id
  LEFT JOIN user_presence pr ON pr.user_id = p.user_id`;

export function profileFromRow(row: ProfileRow): Profile {
  return {
    userId: row.user_id,
    displayName: row.display_name,
    native: row.native_languages,
    learning: row.learning,
    interests: row.interests,
    timezone: row.timezone,
    availability: row.availability,
    bio: row.bio,
    discoverable: row.discoverable,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function signalsFromRow(row: SignalsRow): MatchCandidate["signals"] {
  return {
    lastActiveAt: row.last_active_at ?? undefined,
    presence: row.presence ?? undefined,
    presenceAt: row.presence_at ?? undefined,
    pendingIncoming: row.pending_incoming,
  };
}

export function createPgProfileStore(pool: pg.Pool): ProfileStore {
  return {
    async get(userId) {
      const { rows } = await pool.query<ProfileRow>(
        `SELECT ${PROFILE_COLUMNS} FROM profiles p WHERE p.user_id = $1`,
        [userId],
      );
      return rows[0] && profileFromRow(rows[0]);
    },

    async rename(userId, displayName) {
      const { rowCount } = await pool.query(
        "UPDATE profiles SET display_name = $2 WHERE user_id = $1 AND display_name <> $2",
        [userId, displayName],
      );
      return (rowCount ?? 0) > 0;
    },

    update(userId, displayName, change, now) {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<ProfileRow>(
          `SELECT ${PROFILE_COLUMNS} FROM profiles p WHERE p.user_id = $1 FOR UPDATE`,
          [userId],
        );
        const { input, exchangeKeys } = change(rows[0] && profileFromRow(rows[0]));
        const saved = await client.query<ProfileRow>(
          `INSERT INTO profiles AS p (user_id, display_name, native_languages, learning,
             exchange_keys, interests, timezone, availability, bio, discoverable, last_active_at,
             created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
             (SELECT last_active_at FROM user_activity WHERE user_id = $1), $11, $11)
           ON CONFLICT (user_id) DO UPDATE SET
             display_name = EXCLUDED.display_name,
             native_languages = EXCLUDED.native_languages,
             learning = EXCLUDED.learning,
             exchange_keys = EXCLUDED.exchange_keys,
             interests = EXCLUDED.interests,
             timezone = EXCLUDED.timezone,
             availability = EXCLUDED.availability,
             bio = EXCLUDED.bio,
             discoverable = EXCLUDED.discoverable,
             -- Strictly later than the previous version, so publishing can tell them apart.
             updated_at = greatest(EXCLUDED.updated_at, p.updated_at + interval '1 millisecond')
           RETURNING ${PROFILE_COLUMNS}`,
          [
            userId,
            displayName,
            input.native,
            JSON.stringify(input.learning),
            [...exchangeKeys],
            input.interests,
            input.timezone,
            JSON.stringify(input.availability),
            input.bio,
            input.discoverable,
            now,
          ],
        );
        const row = saved.rows[0];
        if (!row) throw new Error("profile upsert returned no row");
        return profileFromRow(row);
      });
    },

    async markPublished(userId, version) {
      await pool.query(
        `UPDATE profiles SET published_at = $2
         WHERE user_id = $1 AND (published_at IS NULL OR published_at < $2)`,
        [userId, version],
      );
    },

    async listUnpublished(limit) {
      const { rows } = await pool.query<ProfileRow>(
        `SELECT ${PROFILE_COLUMNS} FROM profiles p
         WHERE p.published_at IS NULL OR p.published_at < p.updated_at
         ORDER BY p.updated_at LIMIT $1`,
        [limit],
      );
      return rows.map(profileFromRow);
    },

    async findCandidates(exchangeKeys, excluded, limit) {
      // The most recently active reciprocal matches come from the exchange-key index and the
      // activity copied onto each profile; presence and open requests are then looked up for
      // those `limit` rows only.
      const { rows } = await pool.query<ProfileRow & SignalsRow>(
        `SELECT p.*, pr.presence, pr.updated_at AS presence_at,
           (SELECT count(*) FROM partner_requests r
             WHERE r.recipient = p.user_id AND r.status = 'pending')::int AS pending_incoming
         FROM (
           SELECT ${PROFILE_COLUMNS}, p.last_active_at FROM profiles p
           WHERE p.discoverable AND p.exchange_keys && $1::text[] AND p.user_id <> ALL ($2::text[])
           ORDER BY p.last_active_at DESC NULLS LAST, p.updated_at DESC
           LIMIT $3
         ) p
         LEFT JOIN user_presence pr ON pr.user_id = p.user_id
         ORDER BY p.last_active_at DESC NULLS LAST, p.updated_at DESC`,
        [[...exchangeKeys], [...excluded], limit],
      );
      return rows.map((row) => ({ profile: profileFromRow(row), signals: signalsFromRow(row) }));
    },

    async signalsOf(userId) {
      const { rows } = await pool.query<SignalsRow>(
        `SELECT ${SIGNAL_COLUMNS}
         FROM (SELECT $1::text AS user_id) p ${SIGNAL_JOINS}`,
        [userId],
      );
      const row = rows[0];
      return row ? signalsFromRow(row) : { pendingIncoming: 0 };
    },
  };
}
