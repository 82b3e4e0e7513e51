import type pg from "pg";
import type { DirectoryEntry } from "../../domain/directoryEntries.js";
import type { AvailabilityWindow, LearningLanguage } from "../../domain/profiles.js";
import type { DirectoryRoom, DirectoryStore, StoredEntry } from "../directoryStore.js";
import { withTransaction } from "./database.js";

interface EntryRow {
  user_id: string;
  server_name: string;
  display_name: string;
  native_languages: string[];
  learning: LearningLanguage[];
  interests: string[];
  timezone: string;
  availability: AvailabilityWindow[];
  updated_at: Date;
}

interface RoomRow {
  server_name: string;
  room_id: string;
  organisation_name: string;
}

const ENTRY_COLUMNS = `e.user_id, e.server_name, e.display_name, e.native_languages, e.learning,
  e.interests, e.timezone, e.availability, e.updated_at`;

function entryFromRow(row: EntryRow): DirectoryEntry {
  return {
    userId: row.user_id,
    serverName: row.server_name,
    displayName: row.display_name,
    native: row.native_languages,
    learning: row.learning,
    interests: row.interests,
    timezone: row.timezone,
    availability: row.availability,
    updatedAt: row.updated_at,
  };
}

const roomFromRow = (row: RoomRow): DirectoryRoom => ({
  serverName: row.server_name,
  roomId: row.room_id,
  organisationName: row.organisation_name,
});

const entryParams = (entry: StoredEntry) => [
  entry.userId,
  entry.serverName,
  entry.displayName,
  entry.native,
  JSON.stringify(entry.learning),
  entry.exchangeKeys,
  entry.interests,
  entry.timezone,
  JSON.stringify(entry.availability),
  entry.updatedAt,
];

/** Rows per INSERT when a whole directory is written again. */
const INSERT_BATCH = 1_000;

const INSERT_ENTRY = `INSERT INTO directory_entries AS d (user_id, server_name, display_name,
    native_languages, learning, exchange_keys, interests, timezone, availability, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

export function createPgDirectoryStore(pool: pg.Pool): DirectoryStore {
  return {
    async isOptedIn(userId) {
      const { rowCount } = await pool.query("SELECT 1 FROM directory_opt_ins WHERE user_id = $1", [
        userId,
      ]);
      return (rowCount ?? 0) > 0;
    },

    async setOptedIn(userId, optedIn, now) {
      if (optedIn) {
        await pool.query(
          `INSERT INTO directory_opt_ins (user_id, opted_in_at) VALUES ($1, $2)
           ON CONFLICT (user_id) DO NOTHING`,
          [userId, now],
        );
      } else {
        await pool.query("DELETE FROM directory_opt_ins WHERE user_id = $1", [userId]);
      }
    },

    async usersToReconcile() {
      const { rows } = await pool.query<{ user_id: string }>(
        `SELECT user_id FROM directory_opt_ins
         UNION SELECT user_id FROM directory_publications WHERE content IS NOT NULL`,
      );
      return rows.map((row) => row.user_id);
    },

    async publicationOf(userId) {
      const { rows } = await pool.query<{ content: string | null; event_ids: string[] }>(
        "SELECT content, event_ids FROM directory_publications WHERE user_id = $1",
        [userId],
      );
      const row = rows[0];
      return row && { content: row.content, eventIds: row.event_ids };
    },

    async recordPublication(userId, content, eventId) {
      await pool.query(
        `INSERT INTO directory_publications (user_id, content, event_ids) VALUES ($1, $2, ARRAY[$3])
         ON CONFLICT (user_id) DO UPDATE SET content = EXCLUDED.content,
           event_ids = CASE WHEN $3 = ANY (directory_publications.event_ids)
             THEN directory_publications.event_ids
             ELSE directory_publications.event_ids || $3 END`,
        [userId, content, eventId],
      );
    },

    async forgetEvents(userId, keep) {
      await pool.query(
        `UPDATE directory_publications SET event_ids = ARRAY(
           SELECT id FROM unnest(event_ids) AS id WHERE id = ANY ($2::text[]))
         WHERE user_id = $1`,
        [userId, keep],
      );
    },

    async roomOfServer(serverName) {
      const { rows } = await pool.query<RoomRow>(
        "SELECT server_name, room_id, organisation_name FROM directory_rooms WHERE server_name = $1",
        [serverName],
      );
      return rows[0] && roomFromRow(rows[0]);
    },

    async roomById(roomId) {
      const { rows } = await pool.query<RoomRow>(
        "SELECT server_name, room_id, organisation_name FROM directory_rooms WHERE room_id = $1",
        [roomId],
      );
      return rows[0] && roomFromRow(rows[0]);
    },

    async rooms() {
      const { rows } = await pool.query<RoomRow>(
        "SELECT server_name, room_id, organisation_name FROM directory_rooms ORDER BY server_name",
      );
      return rows.map(roomFromRow);
    },

    async saveRoom(room) {
      await pool.query(
        `INSERT INTO directory_rooms (server_name, room_id, organisation_name) VALUES ($1, $2, $3)
         ON CONFLICT (server_name) DO UPDATE SET room_id = EXCLUDED.room_id,
           organisation_name = EXCLUDED.organisation_name`,
        [room.serverName, room.roomId, room.organisationName],
      );
    },

    forgetServer(serverName) {
      return withTransaction(pool, async (client) => {
        await client.query("DELETE FROM directory_rooms WHERE server_name = $1", [serverName]);
        const { rowCount } = await client.query(
          "DELETE FROM directory_entries WHERE server_name = $1",
          [serverName],
        );
        return rowCount ?? 0;
      });
    },

    replaceEntries(serverName, entries) {
      return withTransaction(pool, async (client) => {
        await client.query("DELETE FROM directory_entries WHERE server_name = $1", [serverName]);
        // Only the room owner's own learners pass the trust rule; the guard is cheap.
        const own = entries.filter((entry) => entry.serverName === serverName);
        for (let offset = 0; offset < own.length; offset += INSERT_BATCH) {
          const batch = own.slice(offset, offset + INSERT_BATCH);
          await client.query(
            `INSERT INTO directory_entries (user_id, server_name, display_name, native_languages,
               learning, exchange_keys, interests, timezone, availability, updated_at)
             SELECT e->>'user_id', $2, e->>'display_name',
               ARRAY(SELECT jsonb_array_elements_text(e->'native')), e->'learning',
               ARRAY(SELECT jsonb_array_elements_text(e->'exchange_keys')),
               ARRAY(SELECT jsonb_array_elements_text(e->'interests')), e->>'timezone',
               e->'availability', (e->>'updated_at')::timestamptz
             FROM jsonb_array_elements($1::jsonb) AS e
             ON CONFLICT (user_id) DO NOTHING`,
            [
              JSON.stringify(
                batch.map((entry) => ({
                  user_id: entry.userId,
                  display_name: entry.displayName,
                  native: entry.native,
                  learning: entry.learning,
                  exchange_keys: entry.exchangeKeys,
                  interests: entry.interests,
                  timezone: entry.timezone,
                  availability: entry.availability,
                  updated_at: entry.updatedAt.toISOString(),
                })),
              ),
              serverName,
            ],
          );
        }
      });
    },

    async upsertEntry(entry) {
      const { rowCount } = await pool.query(
        `${INSERT_ENTRY}
         ON CONFLICT (user_id) DO UPDATE SET server_name = EXCLUDED.server_name,
           display_name = EXCLUDED.display_name, native_languages = EXCLUDED.native_languages,
           learning = EXCLUDED.learning, exchange_keys = EXCLUDED.exchange_keys,
           interests = EXCLUDED.interests, timezone = EXCLUDED.timezone,
           availability = EXCLUDED.availability, updated_at = EXCLUDED.updated_at
         -- A replayed older version does not overwrite a newer one.
         WHERE d.updated_at <= EXCLUDED.updated_at`,
        entryParams(entry),
      );
      return (rowCount ?? 0) > 0;
    },

    async removeEntry(userId) {
      await pool.query("DELETE FROM directory_entries WHERE user_id = $1", [userId]);
    },

    async findCandidates(exchangeKeys, servers, excluded, limit) {
      if (servers.length === 0 || exchangeKeys.length === 0) return [];
      // Like local profiles, the most recently updated `limit` reciprocal entries are ranked.
      // Each sought key's newest entries come index-only from directory_entry_keys (at most
      // `limit` per key, whatever the key's popularity); only the chosen rows are then read in
      // full, and open requests counted for those rows only.
      const { rows } = await pool.query<EntryRow & { organisation: string; pending: number }>(
        `SELECT ${ENTRY_COLUMNS}, r.organisation_name AS organisation,
           (SELECT count(*) FROM partner_requests q
             WHERE q.recipient = e.user_id AND q.status = 'pending')::int AS pending
         FROM (
           SELECT k.user_id, max(k.updated_at) AS updated_at
           FROM unnest($1::text[]) AS sought (exchange_key)
           CROSS JOIN LATERAL (
             SELECT k.user_id, k.updated_at FROM directory_entry_keys k
             WHERE k.exchange_key = sought.exchange_key AND k.server_name = ANY ($2::text[])
               AND k.user_id <> ALL ($3::text[])
             ORDER BY k.updated_at DESC
             LIMIT $4
           ) k
           GROUP BY k.user_id
           ORDER BY updated_at DESC
           LIMIT $4
         ) chosen
         JOIN directory_entries e ON e.user_id = chosen.user_id
         JOIN directory_rooms r ON r.server_name = e.server_name
         ORDER BY e.updated_at DESC`,
        [[...new Set(exchangeKeys)], servers, [...excluded], limit],
      );
      return rows.map((row) => ({
        entry: entryFromRow(row),
        organisation: row.organisation,
        pendingIncoming: row.pending,
      }));
    },

    async countEntries(serverName) {
      const { rows } = await pool.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM directory_entries WHERE server_name = $1",
        [serverName],
      );
      return rows[0]?.count ?? 0;
    },
  };
}
