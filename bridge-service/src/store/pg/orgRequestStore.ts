import type pg from "pg";
import type { DirectoryEntry } from "../../domain/directoryEntries.js";
import type { OrgRequestStore, OutgoingMessage, RequestRoomDirection } from "../orgRequestStore.js";
import type { PartnerRequestStatus } from "../partnerStore.js";
import { withTransaction } from "./database.js";

interface RequestRow {
  id: string;
  requester: string;
  recipient: string;
  status: PartnerRequestStatus;
  created_at: Date;
  decided_at: Date | null;
}

/** An entry as JSON: dates as milliseconds. */
type EntryJson = Omit<DirectoryEntry, "updatedAt"> & { updatedAt: number };

const entryJson = (entry: DirectoryEntry): EntryJson => ({
  ...entry,
  updatedAt: entry.updatedAt.getTime(),
});
const entryFromJson = (json: EntryJson): DirectoryEntry => ({
  ...json,
  updatedAt: new Date(json.updatedAt),
});

/** The server part of a user id column, in SQL: everything after the first colon. */
const serverOf = (column: string) => `substr(${column}, strpos(${column}, ':') + 1)`;

export function createPgOrgRequestStore(pool: pg.Pool): OrgRequestStore {
  return {
    async roomOf(serverName, direction) {
      const { rows } = await pool.query<{ room_id: string }>(
        "SELECT room_id FROM partner_request_rooms WHERE server_name = $1 AND direction = $2",
        [serverName, direction],
      );
      return rows[0]?.room_id;
    },

    async roomById(roomId) {
      const { rows } = await pool.query<{ server_name: string; direction: RequestRoomDirection }>(
        "SELECT server_name, direction FROM partner_request_rooms WHERE room_id = $1",
        [roomId],
      );
      const row = rows[0];
      return row && { serverName: row.server_name, direction: row.direction };
    },

    async saveRoom(serverName, direction, roomId) {
      await pool.query(
        `INSERT INTO partner_request_rooms (server_name, direction, room_id) VALUES ($1, $2, $3)
         ON CONFLICT (server_name, direction) DO UPDATE SET room_id = EXCLUDED.room_id`,
        [serverName, direction, roomId],
      );
    },

    async roomServers() {
      const { rows } = await pool.query<{ server_name: string }>(
        "SELECT DISTINCT server_name FROM partner_request_rooms ORDER BY server_name",
      );
      return rows.map((row) => row.server_name);
    },

    async forgetRooms(serverName) {
      await pool.query("DELETE FROM partner_request_rooms WHERE server_name = $1", [serverName]);
    },

    async enqueue(message, now) {
      await pool.query(
        `INSERT INTO partner_request_messages (txn_id, server_name, event_type, content, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (txn_id) DO NOTHING`,
        [message.txnId, message.serverName, message.type, JSON.stringify(message.content), now],
      );
    },

    async unsent(limit) {
      const { rows } = await pool.query<{
        txn_id: string;
        server_name: string;
        event_type: string;
        content: Record<string, unknown>;
      }>(
        `SELECT txn_id, server_name, event_type, content FROM partner_request_messages
         WHERE sent_at IS NULL ORDER BY created_at, txn_id LIMIT $1`,
        [limit],
      );
      return rows.map(
        (row): OutgoingMessage => ({
          txnId: row.txn_id,
          serverName: row.server_name,
          type: row.event_type,
          content: row.content,
        }),
      );
    },

    async markSent(txnId, now) {
      await pool.query("UPDATE partner_request_messages SET sent_at = $2 WHERE txn_id = $1", [
        txnId,
        now,
      ]);
    },

    async dropUnsent(serverName) {
      await pool.query(
        "DELETE FROM partner_request_messages WHERE server_name = $1 AND sent_at IS NULL",
        [serverName],
      );
    },

    async isSeen(eventId) {
      const { rowCount } = await pool.query(
        "SELECT 1 FROM partner_request_events_seen WHERE event_id = $1",
        [eventId],
      );
      return (rowCount ?? 0) > 0;
    },

    async markSeen(eventId, now) {
      await pool.query(
        `INSERT INTO partner_request_events_seen (event_id, seen_at) VALUES ($1, $2)
         ON CONFLICT (event_id) DO NOTHING`,
        [eventId, now],
      );
    },

    async saveLearner({ entry, organisation }) {
      await pool.query(
        `INSERT INTO remote_learners (user_id, server_name, organisation_name, entry)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET server_name = EXCLUDED.server_name,
           organisation_name = EXCLUDED.organisation_name, entry = EXCLUDED.entry`,
        [entry.userId, entry.serverName, organisation, JSON.stringify(entryJson(entry))],
      );
    },

    async learnerOf(userId) {
      const { rows } = await pool.query<{ organisation_name: string; entry: EntryJson }>(
        "SELECT organisation_name, entry FROM remote_learners WHERE user_id = $1",
        [userId],
      );
      const row = rows[0];
      return row && { entry: entryFromJson(row.entry), organisation: row.organisation_name };
    },

    async publishedLearner(userId) {
      const { rows } = await pool.query<{
        user_id: string;
        server_name: string;
        display_name: string;
        native_languages: string[];
        learning: DirectoryEntry["learning"];
        interests: string[];
        timezone: string;
        availability: DirectoryEntry["availability"];
        updated_at: Date;
        organisation_name: string;
      }>(
        `SELECT e.user_id, e.server_name, e.display_name, e.native_languages, e.learning,
           e.interests, e.timezone, e.availability, e.updated_at, r.organisation_name
         FROM directory_entries e JOIN directory_rooms r ON r.server_name = e.server_name
         WHERE e.user_id = $1`,
        [userId],
      );
      const row = rows[0];
      return (
        row && {
          organisation: row.organisation_name,
          entry: {
            userId: row.user_id,
            serverName: row.server_name,
            displayName: row.display_name,
            native: row.native_languages,
            learning: row.learning,
            interests: row.interests,
            timezone: row.timezone,
            availability: row.availability,
            updatedAt: row.updated_at,
          },
        }
      );
    },

    acceptWithRoom(requestId, recipient, roomId, now) {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<RequestRow>(
          `UPDATE partner_requests SET status = 'accepted', decided_at = $3
           WHERE id = $1 AND recipient = $2 AND status = 'pending'
           RETURNING id, requester, recipient, status, created_at, decided_at`,
          [requestId, recipient, now],
        );
        const row = rows[0];
        if (!row) return undefined;
        const [userA, userB] =
          row.requester < row.recipient
            ? [row.requester, row.recipient]
            : [row.recipient, row.requester];
        await client.query(
          `INSERT INTO partnerships (user_a, user_b, request_id, room_id, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (user_a, user_b) DO UPDATE SET room_id = EXCLUDED.room_id`,
          [userA, userB, row.id, roomId, now],
        );
        return {
          id: row.id,
          requester: row.requester,
          recipient: row.recipient,
          status: row.status,
          createdAt: row.created_at,
          decidedAt: row.decided_at ?? undefined,
        };
      });
    },

    async withdraw(requestId, requesterServer, now) {
      const { rowCount } = await pool.query(
        `UPDATE partner_requests SET status = 'cancelled', decided_at = $3
         WHERE id = $1 AND status = 'pending' AND ${serverOf("requester")} = $2`,
        [requestId, requesterServer, now],
      );
      return (rowCount ?? 0) > 0;
    },

    markUnavailable(user, other, now, expiresAt) {
      return withTransaction(pool, async (client) => {
        const [userA, userB] = user < other ? [user, other] : [other, user];
        // A lasting answer (no expiry) outranks a temporary one; two temporary ones, the later.
        await client.query(
          `INSERT INTO partner_unavailable (user_id, other_user_id, created_at, expires_at, set_by)
           VALUES ($1, $2, $3, $4, ${serverOf("$2::text")})
           ON CONFLICT (user_id, other_user_id) DO UPDATE SET expires_at = CASE
             WHEN partner_unavailable.expires_at IS NULL OR EXCLUDED.expires_at IS NULL THEN NULL
             ELSE greatest(partner_unavailable.expires_at, EXCLUDED.expires_at) END`,
          [user, other, now, expiresAt ?? null],
        );
        await client.query(
          `UPDATE partner_requests SET status = 'cancelled', decided_at = $3
           WHERE status = 'pending' AND least(requester, recipient) = $1
             AND greatest(requester, recipient) = $2`,
          [userA, userB, now],
        );
        if (expiresAt) return { endedRoomId: undefined };
        const { rows } = await client.query<{ room_id: string | null }>(
          "DELETE FROM partnerships WHERE user_a = $1 AND user_b = $2 RETURNING room_id",
          [userA, userB],
        );
        return { endedRoomId: rows[0] ? rows[0].room_id : undefined };
      });
    },

    async markAvailable(user, other, temporaryOnly) {
      // Only the side that said it lifts it: `other`'s server, the one that speaks for `other`.
      const { rowCount } = await pool.query(
        `DELETE FROM partner_unavailable WHERE user_id = $1 AND other_user_id = $2
           AND set_by = ${serverOf("$2::text")} AND ($3::boolean = false OR expires_at IS NOT NULL)`,
        [user, other, temporaryOnly],
      );
      return (rowCount ?? 0) > 0;
    },

    async dropLapsedUnavailable(now) {
      const { rowCount } = await pool.query(
        "DELETE FROM partner_unavailable WHERE expires_at IS NOT NULL AND expires_at <= $1",
        [now],
      );
      return rowCount ?? 0;
    },

    async rememberFullInboxAnswer(user, other, now) {
      await pool.query(
        `INSERT INTO partner_full_inbox_answers (user_id, other_user_id, server_name, created_at)
         VALUES ($1, $2, ${serverOf("$2::text")}, $3) ON CONFLICT DO NOTHING`,
        [user, other, now],
      );
    },

    async fullInboxAnswers(limit) {
      const { rows } = await pool.query<{ user_id: string; other_user_id: string }>(
        `SELECT user_id, other_user_id FROM partner_full_inbox_answers
         ORDER BY created_at, user_id, other_user_id LIMIT $1`,
        [limit],
      );
      return rows.map((row) => ({ user: row.user_id, other: row.other_user_id }));
    },

    async forgetFullInboxAnswer(user, other) {
      await pool.query(
        "DELETE FROM partner_full_inbox_answers WHERE user_id = $1 AND other_user_id = $2",
        [user, other],
      );
    },

    async forgetFullInboxAnswersOf(serverName) {
      await pool.query("DELETE FROM partner_full_inbox_answers WHERE server_name = $1", [
        serverName,
      ]);
    },

    async withdrawServer(serverName, now) {
      const { rowCount } = await pool.query(
        `UPDATE partner_requests SET status = 'cancelled', decided_at = $2
         WHERE status = 'pending'
           AND (${serverOf("requester")} = $1 OR ${serverOf("recipient")} = $1)`,
        [serverName, now],
      );
      return rowCount ?? 0;
    },
  };
}
