import type pg from "pg";

/** What the bot remembers between messages: its DM rooms and the last list `match` showed. */
export interface BotStore {
  /** Records that `roomId` is a direct chat between the bot and `userId`. */
  rememberDirectRoom(userId: string, roomId: string): Promise<void>;
  /** The user's most recent direct room with the bot, if any. */
  directRoomOf(userId: string): Promise<string | undefined>;
  /** Whose direct room with the bot `roomId` is, if it is one. */
  directRoomOwner(roomId: string): Promise<string | undefined>;
  /** Replaces the numbered list `match` last showed `userId` (for `connect <n>`). */
  rememberSuggestions(userId: string, suggestedUserIds: readonly string[]): Promise<void>;
  /** The list `match` last showed `userId`, in order; empty if none. */
  shownSuggestions(userId: string): Promise<string[]>;
}

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
  };
}

/** In-memory BotStore for unit tests. */
export function createInMemoryBotStore(): BotStore {
  const rooms = new Map<string, string>();
  const lists = new Map<string, string[]>();
  return {
    async rememberDirectRoom(userId, roomId) {
      rooms.delete(roomId);
      rooms.set(roomId, userId);
    },
    async directRoomOf(userId) {
      return [...rooms].filter(([, owner]) => owner === userId).at(-1)?.[0];
    },
    async directRoomOwner(roomId) {
      return rooms.get(roomId);
    },
    async rememberSuggestions(userId, suggestedUserIds) {
      lists.set(userId, [...suggestedUserIds]);
    },
    async shownSuggestions(userId) {
      return lists.get(userId) ?? [];
    },
  };
}
