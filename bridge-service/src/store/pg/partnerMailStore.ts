import type pg from "pg";
import type { PartnerMailKind, PartnerMailStore, PendingMail } from "../partnerMailStore.js";

interface MailRow {
  id: string;
  kind: PartnerMailKind;
  request_id: string;
  user_id: string;
  attempts: number;
  created_at: Date;
}

const mailFromRow = (row: MailRow): PendingMail => ({
  id: row.id,
  kind: row.kind,
  requestId: row.request_id,
  userId: row.user_id,
  attempts: row.attempts,
  createdAt: row.created_at,
});

/** Longest failure text kept: enough to say what went wrong, never a whole SMTP transcript. */
const ERROR_MAX_CHARS = 500;

/**
 * Records a mail inside the caller's transaction (the partner store's request or accept), for
 * the learner the request names: its recipient for a new request, its requester for an
 * acceptance. Recorded twice (a retried transaction), it is still one mail.
 */
export async function recordPartnerMail(
  client: pg.ClientBase | pg.Pool,
  requestId: string,
  kind: PartnerMailKind,
  now: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO partner_mails (request_id, kind, user_id, created_at)
     SELECT id, $2::text,
            CASE WHEN $2::text = 'request_received' THEN recipient ELSE requester END, $3
       FROM partner_requests WHERE id = $1
     ON CONFLICT (request_id, kind) DO NOTHING`,
    [requestId, kind, now],
  );
}

export function createPgPartnerMailStore(pool: pg.Pool): PartnerMailStore {
  return {
    async claimDue(now, { limit, leaseMs }) {
      // SKIP LOCKED: replicas claiming at the same moment each get different rows instead of
      // queueing behind one another; the lease then keeps the others away while SMTP works. The
      // rows are picked once, in a materialised CTE (see partnerNoticeStore.ts for why).
      const { rows } = await pool.query<MailRow>(
        `WITH picked AS MATERIALIZED (
           SELECT id AS picked_id FROM partner_mails
            WHERE settled_at IS NULL AND coalesce(next_attempt_at, created_at) <= $1
            ORDER BY coalesce(next_attempt_at, created_at)
            LIMIT $3
            FOR UPDATE SKIP LOCKED)
         UPDATE partner_mails
            SET attempts = attempts + 1,
                next_attempt_at = $1::timestamptz + make_interval(secs => $2 / 1000.0)
           FROM picked
          WHERE id = picked.picked_id
          RETURNING id::text AS id, kind, request_id, user_id, attempts, created_at`,
        [now, leaseMs, limit],
      );
      return rows.map(mailFromRow);
    },
    async retryAt(id, at, error) {
      await pool.query(
        `UPDATE partner_mails SET next_attempt_at = $2, last_error = $3
          WHERE id = $1 AND settled_at IS NULL`,
        [id, at, error.slice(0, ERROR_MAX_CHARS)],
      );
    },
    async postpone(id, at) {
      await pool.query(
        `UPDATE partner_mails SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0)
          WHERE id = $1 AND settled_at IS NULL`,
        [id, at],
      );
    },
    async settle(id, now, outcome, reason) {
      await pool.query(
        `UPDATE partner_mails SET settled_at = $2, outcome = $3, reason = $4
          WHERE id = $1 AND settled_at IS NULL`,
        [id, now, outcome, reason?.slice(0, ERROR_MAX_CHARS) ?? null],
      );
    },
  };
}
