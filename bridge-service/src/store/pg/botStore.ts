import type pg from "pg";
import type { BotStore, CommandTarget, SavedReply } from "../botStore.js";

export function createPgBotStore(pool: pg.Pool): BotStore {
  return {
    async rememberDirectRoom(userId, roomId) {
      await pool.query(
        `INSERT INTO bot_direct_rooms (room_id, user_id) VALUES ($1, $2)
         ON CONFLICT (room_id) DO UPDATE SET user_id = EXCLUDED.user_id, created_at = now()`,
        [roomId, userId],
      );
    },
    async directRoomOf(userId) {
      const { rows } = await pool.query<{ room_id: string }>(
        `SELECT room_id FROM bot_direct_rooms WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`,
        [userId],
      );
      return rows[0]?.room_id;
    },
    async directRoomOwner(roomId) {
      const { rows } = await pool.query<{ user_id: string }>(
        `SELECT user_id FROM bot_direct_rooms WHERE room_id = $1`,
        [roomId],
      );
      return rows[0]?.user_id;
    },
    async rememberSuggestions(userId, suggestedUserIds) {
      await pool.query(
        `INSERT INTO bot_suggestion_lists (user_id, suggested_user_ids, shown_at) VALUES ($1, $2, now())
         ON CONFLICT (user_id) DO UPDATE
           SET suggested_user_ids = EXCLUDED.suggested_user_ids, shown_at = EXCLUDED.shown_at`,
        [userId, [...suggestedUserIds]],
      );
    },
    async shownSuggestions(userId) {
      const { rows } = await pool.query<{ suggested_user_ids: string[] }>(
        `SELECT suggested_user_ids FROM bot_suggestion_lists WHERE user_id = $1`,
        [userId],
      );
      return rows[0]?.suggested_user_ids ?? [];
    },
    async saveReply(eventId, reply) {
      await pool.query(
        `INSERT INTO bot_replies (event_id, body, formatted_body) VALUES ($1, $2, $3)
         ON CONFLICT (event_id) DO NOTHING`,
        [eventId, reply.body, reply.formatted_body],
      );
    },
    async savedReply(eventId) {
      const { rows } = await pool.query<SavedReply>(
        "SELECT body, formatted_body FROM bot_replies WHERE event_id = $1",
        [eventId],
      );
      return rows[0];
    },
    async startCommand(eventId) {
      const inserted = await pool.query(
        `INSERT INTO bot_command_runs (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING`,
        [eventId],
      );
      if (inserted.rowCount) return undefined;
      const { rows } = await pool.query<{ target: CommandTarget | null }>(
        "SELECT target FROM bot_command_runs WHERE event_id = $1",
        [eventId],
      );
      return { target: rows[0]?.target ?? undefined };
    },
    async noteTarget(eventId, target) {
      await pool.query("UPDATE bot_command_runs SET target = $2 WHERE event_id = $1", [
        eventId,
        JSON.stringify(target),
      ]);
    },
    async forgetRepliesBefore(before) {
      await pool.query("DELETE FROM bot_command_runs WHERE started_at < $1", [before]);
      const result = await pool.query("DELETE FROM bot_replies WHERE created_at < $1", [before]);
      return result.rowCount ?? 0;
    },
  };
}
