import type pg from "pg";
import type {
  PartnerNoticeKind,
  PartnerNoticeStore,
  PendingNotice,
} from "../partnerNoticeStore.js";

interface NoticeRow {
  id: string;
  kind: PartnerNoticeKind;
  request_id: string;
  attempts: number;
  created_at: Date;
}

const noticeFromRow = (row: NoticeRow): PendingNotice => ({
  id: row.id,
  kind: row.kind,
  requestId: row.request_id,
  attempts: row.attempts,
  createdAt: row.created_at,
});

const RETURNED = "RETURNING id::text AS id, kind, request_id, attempts, created_at";
const OPEN = "sent_at IS NULL AND given_up_at IS NULL";

/** Records a notice inside the caller's transaction (the partner store's request or accept). */
export async function recordPartnerNotice(
  client: pg.ClientBase | pg.Pool,
  requestId: string,
  kind: PartnerNoticeKind,
  now: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO partner_notices (request_id, kind, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (request_id, kind) DO NOTHING`,
    [requestId, kind, now],
  );
}

export function createPgPartnerNoticeStore(pool: pg.Pool): PartnerNoticeStore {
  return {
    async claimDue(now, { limit, leaseMs, untriedBefore }) {
      // SKIP LOCKED: replicas claiming at the same moment each get different rows instead of
      // queueing behind one another. The rows are picked once, in a materialised CTE: with
      // `WHERE id IN (… LIMIT … SKIP LOCKED)` PostgreSQL may run the subquery again for a row
      // another claimer touched, and one claim came back with more rows than its limit.
      const { rows } = await pool.query<NoticeRow>(
        `WITH picked AS MATERIALIZED (
           SELECT id AS picked_id FROM partner_notices
            WHERE ${OPEN}
              AND (next_attempt_at <= $1 OR (next_attempt_at IS NULL AND created_at < $3))
            ORDER BY coalesce(next_attempt_at, created_at)
            LIMIT $4
            FOR UPDATE SKIP LOCKED)
         UPDATE partner_notices
            SET attempts = attempts + 1, next_attempt_at = $1::timestamptz + make_interval(secs => $2 / 1000.0)
           FROM picked
          WHERE id = picked.picked_id
          ${RETURNED}`,
        [now, leaseMs, untriedBefore, limit],
      );
      return rows.map(noticeFromRow);
    },
    async claimUntried(requestId, kind, now, leaseMs) {
      const { rows } = await pool.query<NoticeRow>(
        `UPDATE partner_notices
            SET attempts = 1, next_attempt_at = $3::timestamptz + make_interval(secs => $4 / 1000.0)
          WHERE request_id = $1 AND kind = $2 AND ${OPEN} AND next_attempt_at IS NULL
          ${RETURNED}`,
        [requestId, kind, now, leaseMs],
      );
      return rows[0] && noticeFromRow(rows[0]);
    },
    async markSent(id, now) {
      await pool.query("UPDATE partner_notices SET sent_at = $2 WHERE id = $1", [id, now]);
    },
    async retryAt(id, at) {
      await pool.query(
        `UPDATE partner_notices SET next_attempt_at = $2 WHERE id = $1 AND ${OPEN}`,
        [id, at],
      );
    },
    async giveUp(id, now) {
      await pool.query(`UPDATE partner_notices SET given_up_at = $2 WHERE id = $1 AND ${OPEN}`, [
        id,
        now,
      ]);
    },
    async forgetSettledBefore(before) {
      const result = await pool.query(
        `DELETE FROM partner_notices
          WHERE coalesce(sent_at, given_up_at) < $1`,
        [before],
      );
      return result.rowCount ?? 0;
    },
  };
}
