import type pg from "pg";
import type { LearningLanguage } from "../../domain/profiles.js";
import type { WidgetBackfillStore } from "../../domain/widgetBackfill.js";
import type { PartnerEntry } from "../../domain/widgetExchange.js";

/** The widget's list of rooms still waiting for it, in PostgreSQL. */
export function createPgWidgetBackfillStore(pool: pg.Pool): WidgetBackfillStore {
  return {
    async roomsAwaitingWidget(afterRoomId, limit) {
      const { rows } = await pool.query<{ room_id: string }>(
        `SELECT room_id FROM partner_room_widget_backfill
         WHERE added_at IS NULL AND room_id > $1 ORDER BY room_id LIMIT $2`,
        [afterRoomId, limit],
      );
      return rows.map((row) => row.room_id);
    },

    async claimWidgetRoom(roomId, now, staleAfterMs) {
      // One statement: of two replicas claiming at once, the row lock lets exactly one through.
      const { rowCount } = await pool.query(
        `UPDATE partner_room_widget_backfill SET claimed_at = $2
         WHERE room_id = $1 AND added_at IS NULL AND (claimed_at IS NULL OR claimed_at < $3)`,
        [roomId, now, new Date(now.getTime() - staleAfterMs)],
      );
      return rowCount === 1;
    },

    async markWidgetAdded(roomId, now) {
      await pool.query(
        "UPDATE partner_room_widget_backfill SET added_at = $2, claimed_at = NULL WHERE room_id = $1",
        [roomId, now],
      );
    },

    async releaseWidgetRoom(roomId) {
      await pool.query(
        "UPDATE partner_room_widget_backfill SET claimed_at = NULL WHERE room_id = $1 AND added_at IS NULL",
        [roomId],
      );
    },
  };
}

/** A partner organisation's learner from the directory tables, with the organisation's name. */
export async function partnerEntryOf(
  pool: pg.Pool,
  userId: string,
): Promise<PartnerEntry | undefined> {
  const { rows } = await pool.query<{
    display_name: string;
    native_languages: string[];
    learning: LearningLanguage[];
    organisation_name: string;
  }>(
    `SELECT e.display_name, e.native_languages, e.learning, r.organisation_name
     FROM directory_entries e JOIN directory_rooms r ON r.server_name = e.server_name
     WHERE e.user_id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    displayName: row.display_name,
    native: row.native_languages,
    learning: row.learning,
    organisation: row.organisation_name,
  };
}
