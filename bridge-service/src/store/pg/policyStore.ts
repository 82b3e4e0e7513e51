import type pg from "pg";
import type { UserRule } from "../../domain/policyRules.js";
import type { LearnerBan, PolicyRoom, PolicyStore } from "../policyStore.js";
import { withTransaction } from "./database.js";

interface BanRow {
  user_id: string;
  reason: string;
  banned_at: Date;
}

interface RuleRow {
  server_name: string;
  state_key: string;
  entity: string;
  reason: string;
}

const banFromRow = (row: BanRow): LearnerBan => ({
  userId: row.user_id,
  reason: row.reason,
  bannedAt: row.banned_at,
});

const ruleFromRow = (row: RuleRow): UserRule => ({
  serverName: row.server_name,
  stateKey: row.state_key,
  entity: row.entity,
  reason: row.reason,
});

const roomFromRow = (row: { server_name: string; room_id: string }): PolicyRoom => ({
  serverName: row.server_name,
  roomId: row.room_id,
});

/** Rows per INSERT when a partner's whole list is written again. */
const INSERT_BATCH = 1_000;

export function createPgPolicyStore(pool: pg.Pool): PolicyStore {
  return {
    async ban(userId, reason, now) {
      const { rowCount } = await pool.query(
        `INSERT INTO learner_bans AS b (user_id, reason, banned_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET reason = EXCLUDED.reason
         WHERE b.reason IS DISTINCT FROM EXCLUDED.reason`,
        [userId, reason, now],
      );
      return (rowCount ?? 0) > 0;
    },

    async unban(userId) {
      const { rowCount } = await pool.query("DELETE FROM learner_bans WHERE user_id = $1", [
        userId,
      ]);
      return (rowCount ?? 0) > 0;
    },

    async bannedUsers() {
      const { rows } = await pool.query<BanRow>(
        "SELECT user_id, reason, banned_at FROM learner_bans ORDER BY banned_at",
      );
      return rows.map(banFromRow);
    },

    async pendingRules(serverName, limit) {
      const { rows } = await pool.query<{
        user_id: string;
        reason: string | null;
        banned_at: Date | null;
      }>(
        `SELECT b.user_id, b.reason, b.banned_at FROM learner_bans b
           LEFT JOIN policy_publications p ON p.user_id = b.user_id
           WHERE p.reason IS DISTINCT FROM b.reason
             AND substr(b.user_id, strpos(b.user_id, ':') + 1) = $2
         UNION ALL
         SELECT p.user_id, NULL, NULL FROM policy_publications p
           WHERE p.reason IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM learner_bans b WHERE b.user_id = p.user_id)
         LIMIT $1`,
        [limit, serverName],
      );
      return rows.map((row) => ({
        userId: row.user_id,
        ban:
          row.reason === null || row.banned_at === null
            ? undefined
            : { userId: row.user_id, reason: row.reason, bannedAt: row.banned_at },
      }));
    },

    async recordRule(userId, reason, eventId) {
      await pool.query(
        `INSERT INTO policy_publications (user_id, reason, event_id) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET reason = EXCLUDED.reason, event_id = EXCLUDED.event_id`,
        [userId, reason, eventId],
      );
    },

    async roomOfServer(serverName) {
      const { rows } = await pool.query(
        "SELECT server_name, room_id FROM policy_rooms WHERE server_name = $1",
        [serverName],
      );
      return rows[0] && roomFromRow(rows[0]);
    },

    async roomById(roomId) {
      const { rows } = await pool.query(
        "SELECT server_name, room_id FROM policy_rooms WHERE room_id = $1",
        [roomId],
      );
      return rows[0] && roomFromRow(rows[0]);
    },

    async rooms() {
      const { rows } = await pool.query(
        "SELECT server_name, room_id FROM policy_rooms ORDER BY server_name",
      );
      return rows.map(roomFromRow);
    },

    async saveRoom(room) {
      await pool.query(
        `INSERT INTO policy_rooms (server_name, room_id) VALUES ($1, $2)
         ON CONFLICT (server_name) DO UPDATE SET room_id = EXCLUDED.room_id`,
        [room.serverName, room.roomId],
      );
    },

    forgetServer(serverName) {
      return withTransaction(pool, async (client) => {
        await client.query("DELETE FROM policy_rooms WHERE server_name = $1", [serverName]);
        const { rowCount } = await client.query("DELETE FROM policy_rules WHERE server_name = $1", [
          serverName,
        ]);
        return rowCount ?? 0;
      });
    },

    async rulesOf(serverName) {
      const { rows } = await pool.query<RuleRow>(
        "SELECT server_name, state_key, entity, reason FROM policy_rules WHERE server_name = $1",
        [serverName],
      );
      return rows.map(ruleFromRow);
    },

    async putRule(rule) {
      await pool.query(
        `INSERT INTO policy_rules (server_name, state_key, entity, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (server_name, state_key) DO UPDATE SET entity = EXCLUDED.entity,
           reason = EXCLUDED.reason`,
        [rule.serverName, rule.stateKey, rule.entity, rule.reason],
      );
    },

    async removeRule(serverName, stateKey) {
      const { rowCount } = await pool.query(
        "DELETE FROM policy_rules WHERE server_name = $1 AND state_key = $2",
        [serverName, stateKey],
      );
      return (rowCount ?? 0) > 0;
    },

    replaceRules(serverName, rules) {
      return withTransaction(pool, async (client) => {
        await client.query("DELETE FROM policy_rules WHERE server_name = $1", [serverName]);
        const own = rules.filter((rule) => rule.serverName === serverName);
        for (let offset = 0; offset < own.length; offset += INSERT_BATCH) {
          const batch = own.slice(offset, offset + INSERT_BATCH);
          await client.query(
            `INSERT INTO policy_rules (server_name, state_key, entity, reason)
             SELECT $1, k, e, r FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, e, r)
             ON CONFLICT (server_name, state_key) DO NOTHING`,
            [
              serverName,
              batch.map((rule) => rule.stateKey),
              batch.map((rule) => rule.entity),
              batch.map((rule) => rule.reason),
            ],
          );
        }
      });
    },
  };
}
