import { randomUUID } from "node:crypto";
import type pg from "pg";
import type {
  PartnerRequestRecord,
  PartnerRequestStatus,
  PartnerStore,
  PartnershipRecord,
  ReportRecord,
  RequestRefusal,
} from "../partnerStore.js";
import { withTransaction } from "./database.js";
import { recordPartnerMail } from "./partnerMailStore.js";
import { recordPartnerNotice } from "./partnerNoticeStore.js";

const REPORT_COLUMNS = "id, reporter, reported, reason, event_ids, room_id, created_at";

interface RequestRow {
  id: string;
  requester: string;
  recipient: string;
  status: PartnerRequestStatus;
  created_at: Date;
  decided_at: Date | null;
}

interface PartnershipRow {
  user_a: string;
  user_b: string;
  request_id: string;
  room_id: string | null;
  created_at: Date;
}

interface ReportRow {
  id: string;
  reporter: string;
  reported: string;
  reason: string;
  event_ids: string[];
  room_id: string | null;
  created_at: Date;
}

const requestFromRow = (row: RequestRow): PartnerRequestRecord => ({
  id: row.id,
  requester: row.requester,
  recipient: row.recipient,
  status: row.status,
  createdAt: row.created_at,
  decidedAt: row.decided_at ?? undefined,
});

const partnershipFromRow = (row: PartnershipRow): PartnershipRecord => ({
  users: [row.user_a, row.user_b],
  requestId: row.request_id,
  roomId: row.room_id,
  createdAt: row.created_at,
});

const reportFromRow = (row: ReportRow): ReportRecord => ({
  id: row.id,
  reporter: row.reporter,
  reported: row.reported,
  reason: row.reason,
  eventIds: row.event_ids,
  roomId: row.room_id ?? undefined,
  createdAt: row.created_at,
});

/** Partnerships are stored once per pair, with user_a < user_b. */
function orderedPair(one: string, other: string): [string, string] {
  return one < other ? [one, other] : [other, one];
}

const REQUEST_COLUMNS = "id, requester, recipient, status, created_at, decided_at";
const PARTNERSHIP_COLUMNS = "user_a, user_b, request_id, room_id, created_at";

export function createPgPartnerStore(pool: pg.Pool): PartnerStore {
  return {
    async excludedFor(userId) {
      const { rows } = await pool.query<{ user_id: string }>(
        `SELECT blocked AS user_id FROM blocks WHERE blocker = $1
         UNION SELECT blocker FROM blocks WHERE blocked = $1
         UNION SELECT user_b FROM partnerships WHERE user_a = $1
         UNION SELECT user_a FROM partnerships WHERE user_b = $1
         UNION SELECT recipient FROM partner_requests WHERE requester = $1 AND status = 'pending'
         UNION SELECT requester FROM partner_requests WHERE recipient = $1 AND status = 'pending'
         UNION SELECT other_user_id FROM partner_unavailable WHERE user_id = $1`,
        [userId],
      );
      return new Set(rows.map((row) => row.user_id));
    },

    createRequest(requester, recipient, { maxPendingIncoming, now, id }) {
      return withTransaction(pool, async (client) => {
        // Serialises requests to one recipient (and requests within one pair, whichever
        // direction), so the pending bound and the one-pending-per-pair rule hold.
        const [first, second] = orderedPair(requester, recipient);
        await client.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('partner-recipient:' || $1, 0))",
          [recipient],
        );
        await client.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('partner-pair:' || $1 || ' ' || $2, 0))",
          [first, second],
        );
        const { rows } = await client.query<{ refusal: RequestRefusal | null }>(
          `SELECT CASE
             WHEN EXISTS (SELECT 1 FROM blocks WHERE (blocker = $1 AND blocked = $2)
                                                 OR (blocker = $2 AND blocked = $1))
               OR EXISTS (SELECT 1 FROM partner_unavailable WHERE (user_id = $1 AND other_user_id = $2)
                                                 OR (user_id = $2 AND other_user_id = $1)) THEN 'blocked'
             WHEN EXISTS (SELECT 1 FROM partnerships WHERE user_a = $3 AND user_b = $4)
               THEN 'connected'
             WHEN EXISTS (SELECT 1 FROM partner_requests WHERE status = 'pending'
                            AND least(requester, recipient) = $3
                            AND greatest(requester, recipient) = $4) THEN 'request_exists'
             WHEN (SELECT count(*) FROM partner_requests
                    WHERE recipient = $2 AND status = 'pending') >= $5 THEN 'recipient_full'
           END AS refusal`,
          [requester, recipient, first, second, maxPendingIncoming],
        );
        const refusal = rows[0]?.refusal;
        if (refusal) return { refused: refusal };
        const inserted = await client.query<RequestRow>(
          `INSERT INTO partner_requests (id, requester, recipient, created_at)
           VALUES ($1, $2, $3, $4) RETURNING ${REQUEST_COLUMNS}`,
          [id ?? randomUUID(), requester, recipient, now],
        );
        const row = inserted.rows[0];
        if (!row) throw new Error("partner request insert returned no row");
        // The recipient's notice and mail, in the request's own transaction (the outboxes).
        await recordPartnerNotice(client, row.id, "request_received", now);
        await recordPartnerMail(client, row.id, "request_received", now);
        return { request: requestFromRow(row) };
      });
    },

    async getRequest(id) {
      const { rows } = await pool.query<RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM partner_requests WHERE id = $1`,
        [id],
      );
      return rows[0] && requestFromRow(rows[0]);
    },

    async pendingRequestsOf(userId) {
      const { rows } = await pool.query<RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM partner_requests
         WHERE status = 'pending' AND (recipient = $1 OR requester = $1)
         ORDER BY created_at, id`,
        [userId],
      );
      const requests = rows.map(requestFromRow);
      return {
        incoming: requests.filter((request) => request.recipient === userId),
        outgoing: requests.filter((request) => request.requester === userId),
      };
    },

    acceptRequest(id, recipient, now) {
      return withTransaction(pool, async (client) => {
        const updated = await client.query<RequestRow>(
          `UPDATE partner_requests SET status = 'accepted', decided_at = $3
           WHERE id = $1 AND recipient = $2 AND status = 'pending'
           RETURNING ${REQUEST_COLUMNS}`,
          [id, recipient, now],
        );
        const row = updated.rows[0];
        if (!row) return undefined;
        const [userA, userB] = orderedPair(row.requester, row.recipient);
        const inserted = await client.query<PartnershipRow>(
          `INSERT INTO partnerships (user_a, user_b, request_id, created_at)
           VALUES ($1, $2, $3, $4) RETURNING ${PARTNERSHIP_COLUMNS}`,
          [userA, userB, row.id, now],
        );
        const partnership = inserted.rows[0];
        if (!partnership) throw new Error("partnership insert returned no row");
        // The requester's notice and mail, in the acceptance's own transaction (the outboxes).
        await recordPartnerNotice(client, row.id, "request_accepted", now);
        await recordPartnerMail(client, row.id, "request_accepted", now);
        return { request: requestFromRow(row), partnership: partnershipFromRow(partnership) };
      });
    },

    async declineRequest(id, recipient, now) {
      const { rows } = await pool.query<RequestRow>(
        `UPDATE partner_requests SET status = 'declined', decided_at = $3
         WHERE id = $1 AND recipient = $2 AND status = 'pending'
         RETURNING ${REQUEST_COLUMNS}`,
        [id, recipient, now],
      );
      return rows[0] && requestFromRow(rows[0]);
    },

    async partnershipsOf(userId) {
      const { rows } = await pool.query<PartnershipRow>(
        `SELECT ${PARTNERSHIP_COLUMNS} FROM partnerships WHERE user_a = $1
         UNION ALL
         SELECT ${PARTNERSHIP_COLUMNS} FROM partnerships WHERE user_b = $1
         ORDER BY created_at DESC`,
        [userId],
      );
      return rows.map(partnershipFromRow);
    },

    async claimRoomCreation(users, now, staleAfterMs) {
      const [userA, userB] = orderedPair(...users);
      const { rowCount } = await pool.query(
        `UPDATE partnerships SET room_creation_started_at = $3
         WHERE user_a = $1 AND user_b = $2 AND room_id IS NULL
           AND (room_creation_started_at IS NULL OR room_creation_started_at < $4)`,
        [userA, userB, now, new Date(now.getTime() - staleAfterMs)],
      );
      return rowCount === 1;
    },

    async releaseRoomCreation(users) {
      const [userA, userB] = orderedPair(...users);
      await pool.query(
        `UPDATE partnerships SET room_creation_started_at = NULL
         WHERE user_a = $1 AND user_b = $2 AND room_id IS NULL`,
        [userA, userB],
      );
    },

    async setPartnershipRoom(users, roomId) {
      const [userA, userB] = orderedPair(...users);
      await pool.query(
        "UPDATE partnerships SET room_id = $3 WHERE user_a = $1 AND user_b = $2 AND room_id IS NULL",
        [userA, userB, roomId],
      );
    },

    async partnershipsWithoutRoom(limit) {
      const { rows } = await pool.query<PartnershipRow>(
        `SELECT ${PARTNERSHIP_COLUMNS} FROM partnerships WHERE room_id IS NULL
         ORDER BY created_at LIMIT $1`,
        [limit],
      );
      return rows.map(partnershipFromRow);
    },

    block(blocker, blocked, now) {
      return withTransaction(pool, async (client) => {
        const [userA, userB] = orderedPair(blocker, blocked);
        await client.query(
          "INSERT INTO blocks (blocker, blocked, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          [blocker, blocked, now],
        );
        await client.query(
          `UPDATE partner_requests SET status = 'cancelled', decided_at = $3
           WHERE status = 'pending' AND least(requester, recipient) = $1
             AND greatest(requester, recipient) = $2`,
          [userA, userB, now],
        );
        await client.query("DELETE FROM partnerships WHERE user_a = $1 AND user_b = $2", [
          userA,
          userB,
        ]);
      });
    },

    async unblock(blocker, blocked) {
      await pool.query("DELETE FROM blocks WHERE blocker = $1 AND blocked = $2", [
        blocker,
        blocked,
      ]);
    },

    async blocksOf(blocker) {
      const { rows } = await pool.query<{ blocked: string; created_at: Date }>(
        "SELECT blocked, created_at FROM blocks WHERE blocker = $1 ORDER BY created_at DESC",
        [blocker],
      );
      return rows.map((row) => ({ blocked: row.blocked, createdAt: row.created_at }));
    },

    async createReport(report, now, key) {
      const { rows } = await pool.query<ReportRow>(
        `INSERT INTO reports (id, reporter, reported, reason, event_ids, room_id, created_at, source_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (source_key) DO NOTHING
         RETURNING ${REPORT_COLUMNS}`,
        [
          randomUUID(),
          report.reporter,
          report.reported,
          report.reason,
          report.eventIds,
          report.roomId ?? null,
          now,
          key ?? null,
        ],
      );
      // Filed before under this key: a second statement sees the first report even when its
      // transaction committed while this one waited on the key.
      const row =
        rows[0] ??
        (
          await pool.query<ReportRow>(
            `SELECT ${REPORT_COLUMNS} FROM reports WHERE source_key = $1`,
            [key],
          )
        ).rows[0];
      if (!row) throw new Error("report insert returned no row");
      return reportFromRow(row);
    },

    async listReports(limit) {
      const { rows } = await pool.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM reports ORDER BY created_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map(reportFromRow);
    },
  };
}
