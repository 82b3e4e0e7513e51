import { randomUUID } from "node:crypto";
import type {
  BlockRecord,
  PartnerRequestRecord,
  PartnerStore,
  PartnershipRecord,
  ReportRecord,
} from "../partnerStore.js";
import {
  createInMemoryPartnerNoticeStore,
  type InMemoryPartnerNoticeStore,
} from "./inMemoryPartnerNoticeStore.js";

/** Same contract as the PostgreSQL store, in memory: for unit tests of the partner domain. */
export interface InMemoryPartnerStore extends PartnerStore {
  /** Pending requests addressed to `userId`; the in-memory profile store's ranking signal. */
  pendingIncomingOf(userId: string): number;
  /** The outbox the requests and acceptances record their notices in. */
  notices: InMemoryPartnerNoticeStore;
}

interface StoredPartnership {
  record: PartnershipRecord;
  roomCreationStartedAt: Date | undefined;
}

/** Partnerships are kept once per pair, users in code-unit order like the table's user_a < user_b. */
function orderedPair(one: string, other: string): [string, string] {
  return one < other ? [one, other] : [other, one];
}
const pairKey = (one: string, other: string) => JSON.stringify(orderedPair(one, other));
const blockKey = (blocker: string, blocked: string) => JSON.stringify([blocker, blocked]);

// Callers get copies, as they get fresh rows from PostgreSQL: changing one changes nothing stored.
const copyRequest = (request: PartnerRequestRecord): PartnerRequestRecord => ({ ...request });
const copyPartnership = ({ record }: StoredPartnership): PartnershipRecord => ({
  ...record,
  users: [...record.users],
});
const copyReport = (report: ReportRecord): ReportRecord => ({
  ...report,
  eventIds: [...report.eventIds],
});

const byCreatedThenId = (a: PartnerRequestRecord, b: PartnerRequestRecord) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every method reads and writes in one synchronous step, so concurrent calls cannot interleave:
 * the pending bound and the one-request-per-pair rule hold as they do under PostgreSQL's locks.
 */
export function createInMemoryPartnerStore(
  notices: InMemoryPartnerNoticeStore = createInMemoryPartnerNoticeStore(),
): InMemoryPartnerStore {
  const requests = new Map<string, PartnerRequestRecord>();
  const partnerships = new Map<string, StoredPartnership>();
  const blocks = new Map<string, BlockRecord & { blocker: string }>();
  const reports: ReportRecord[] = [];
  const reportKeys = new Map<string, ReportRecord>();

  const pending = () => [...requests.values()].filter((request) => request.status === "pending");
  const pendingBetween = (one: string, other: string) =>
    pending().filter(
      (request) =>
        (request.requester === one && request.recipient === other) ||
        (request.requester === other && request.recipient === one),
    );
  const pendingIncomingOf = (userId: string) =>
    pending().filter((request) => request.recipient === userId).length;

  function decide(
    id: string,
    recipient: string,
    status: "accepted" | "declined",
    now: Date,
  ): PartnerRequestRecord | undefined {
    const request = requests.get(id);
    if (request?.status !== "pending" || request.recipient !== recipient) return undefined;
    request.status = status;
    request.decidedAt = now;
    return request;
  }

  return {
    pendingIncomingOf,
    notices,

    async excludedFor(userId) {
      const excluded = new Set<string>();
      for (const block of blocks.values()) {
        if (block.blocker === userId) excluded.add(block.blocked);
        if (block.blocked === userId) excluded.add(block.blocker);
      }
      for (const { record } of partnerships.values()) {
        if (record.users.includes(userId)) {
          excluded.add(record.users[0] === userId ? record.users[1] : record.users[0]);
        }
      }
      for (const request of pending()) {
        if (request.requester === userId) excluded.add(request.recipient);
        if (request.recipient === userId) excluded.add(request.requester);
      }
      return excluded;
    },

    async createRequest(requester, recipient, { maxPendingIncoming, now, id }) {
      if (
        blocks.has(blockKey(requester, recipient)) ||
        blocks.has(blockKey(recipient, requester))
      ) {
        return { refused: "blocked" };
      }
      if (partnerships.has(pairKey(requester, recipient))) return { refused: "connected" };
      if (pendingBetween(requester, recipient).length > 0) return { refused: "request_exists" };
      if (pendingIncomingOf(recipient) >= maxPendingIncoming) return { refused: "recipient_full" };
      const request: PartnerRequestRecord = {
        id: id ?? randomUUID(),
        requester,
        recipient,
        status: "pending",
        createdAt: now,
        decidedAt: undefined,
      };
      requests.set(request.id, request);
      notices.record(request.id, "request_received", now);
      return { request: copyRequest(request) };
    },

    async getRequest(id) {
      const request = requests.get(id);
      return request && copyRequest(request);
    },

    async pendingRequestsOf(userId) {
      const mine = pending().sort(byCreatedThenId);
      return {
        incoming: mine.filter((request) => request.recipient === userId).map(copyRequest),
        outgoing: mine.filter((request) => request.requester === userId).map(copyRequest),
      };
    },

    async acceptRequest(id, recipient, now) {
      const request = decide(id, recipient, "accepted", now);
      if (!request) return undefined;
      const stored: StoredPartnership = {
        record: {
          users: orderedPair(request.requester, request.recipient),
          requestId: request.id,
          roomId: null,
          createdAt: now,
        },
        roomCreationStartedAt: undefined,
      };
      const key = pairKey(request.requester, request.recipient);
      // The table's primary key would refuse a second partnership of one pair.
      if (partnerships.has(key)) throw new Error("duplicate key value violates partnerships_pkey");
      partnerships.set(key, stored);
      notices.record(request.id, "request_accepted", now);
      return { request: copyRequest(request), partnership: copyPartnership(stored) };
    },

    async declineRequest(id, recipient, now) {
      const request = decide(id, recipient, "declined", now);
      return request && copyRequest(request);
    },

    async partnershipsOf(userId) {
      return [...partnerships.values()]
        .filter(({ record }) => record.users.includes(userId))
        .sort((a, b) => b.record.createdAt.getTime() - a.record.createdAt.getTime())
        .map(copyPartnership);
    },

    async claimRoomCreation(users, now, staleAfterMs) {
      const stored = partnerships.get(pairKey(...users));
      if (!stored || stored.record.roomId !== null) return false;
      const startedAt = stored.roomCreationStartedAt;
      if (startedAt && startedAt.getTime() >= now.getTime() - staleAfterMs) return false;
      stored.roomCreationStartedAt = now;
      return true;
    },

    async releaseRoomCreation(users) {
      const stored = partnerships.get(pairKey(...users));
      if (stored && stored.record.roomId === null) stored.roomCreationStartedAt = undefined;
    },

    async setPartnershipRoom(users, roomId) {
      const stored = partnerships.get(pairKey(...users));
      if (stored && stored.record.roomId === null) stored.record.roomId = roomId;
    },

    async partnershipsWithoutRoom(limit) {
      return [...partnerships.values()]
        .filter(({ record }) => record.roomId === null)
        .sort((a, b) => a.record.createdAt.getTime() - b.record.createdAt.getTime())
        .slice(0, limit)
        .map(copyPartnership);
    },

    async block(blocker, blocked, now) {
      const key = blockKey(blocker, blocked);
      if (!blocks.has(key)) blocks.set(key, { blocker, blocked, createdAt: now });
      for (const request of pendingBetween(blocker, blocked)) {
        request.status = "cancelled";
        request.decidedAt = now;
      }
      partnerships.delete(pairKey(blocker, blocked));
    },

    async unblock(blocker, blocked) {
      blocks.delete(blockKey(blocker, blocked));
    },

    async blocksOf(blocker) {
      return [...blocks.values()]
        .filter((block) => block.blocker === blocker)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map(({ blocked, createdAt }) => ({ blocked, createdAt }));
    },

    async createReport(report, now, key) {
      const filed = key === undefined ? undefined : reportKeys.get(key);
      if (filed) return copyReport(filed);
      const stored: ReportRecord = {
        id: randomUUID(),
        reporter: report.reporter,
        reported: report.reported,
        reason: report.reason,
        eventIds: [...report.eventIds],
        roomId: report.roomId,
        createdAt: now,
      };
      reports.push(stored);
      if (key !== undefined) reportKeys.set(key, stored);
      return copyReport(stored);
    },

    async listReports(limit) {
      return [...reports]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, limit)
        .map(copyReport);
    },
  };
}
