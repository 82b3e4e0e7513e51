import type { PartnerRequestStatus } from "@xstream/contract/limits";

export type { PartnerRequestStatus };

export interface PartnerRequestRecord {
  id: string;
  requester: string;
  recipient: string;
  status: PartnerRequestStatus;
  createdAt: Date;
  decidedAt: Date | undefined;
}

export interface PartnershipRecord {
  /** The two partners, in no particular order. */
  users: [string, string];
  requestId: string;
  roomId: string | null;
  createdAt: Date;
}

export interface BlockRecord {
  blocked: string;
  createdAt: Date;
}

/** Reports are stored as moderators see them (the domain's `ReportView`). */
export interface ReportRecord {
  id: string;
  reporter: string;
  reported: string;
  reason: string;
  eventIds: string[];
  roomId: string | undefined;
  createdAt: Date;
}

/** Why a request could not be stored; checked under a lock on the recipient. */
export type RequestRefusal = "request_exists" | "connected" | "blocked" | "recipient_full";

export interface PartnerStore {
  /** Everyone `userId` must not be suggested: blocked either way, partners, open requests either way. */
  excludedFor(userId: string): Promise<Set<string>>;
  /**
   * Stores a pending request unless the pair is blocked, connected or already has a pending
   * request, or the recipient holds `maxPendingIncoming` pending requests. Concurrent requests
   * to one recipient are serialised, so the bound holds. In the same transaction it records
   * the recipient's `request_received` notice and mail (store/pg/partnerNoticeStore.ts,
   * store/pg/partnerMailStore.ts).
   */
  createRequest(
    requester: string,
    recipient: string,
    /** `id`: the one a partner organisation's bridge chose for its learner's request. */
    options: { maxPendingIncoming: number; now: Date; id?: string },
  ): Promise<{ request: PartnerRequestRecord } | { refused: RequestRefusal }>;
  getRequest(id: string): Promise<PartnerRequestRecord | undefined>;
  /** Pending requests to and from `userId`, oldest first. */
  pendingRequestsOf(
    userId: string,
  ): Promise<{ incoming: PartnerRequestRecord[]; outgoing: PartnerRequestRecord[] }>;
  /**
   * Accepts a pending request addressed to `recipient` and records the partnership and the
   * requester's `request_accepted` notice and mail, atomically.
   * Undefined if there is no such pending request (unknown, decided, or someone else's).
   */
  acceptRequest(
    id: string,
    recipient: string,
    now: Date,
  ): Promise<{ request: PartnerRequestRecord; partnership: PartnershipRecord } | undefined>;
  /** Declines a pending request addressed to `recipient`; undefined if there is none. */
  declineRequest(
    id: string,
    recipient: string,
    now: Date,
  ): Promise<PartnerRequestRecord | undefined>;
  partnershipsOf(userId: string): Promise<PartnershipRecord[]>;
  /**
   * Claims the right to create the pair's room: true unless it has a room or another attempt
   * started less than `staleAfterMs` ago.
   */
  claimRoomCreation(users: [string, string], now: Date, staleAfterMs: number): Promise<boolean>;
  /** Gives up a claim after a failed attempt, so the next retry need not wait for it to go stale. */
  releaseRoomCreation(users: [string, string]): Promise<void>;
  setPartnershipRoom(users: [string, string], roomId: string): Promise<void>;
  /** Partnerships still waiting for their room, oldest first. */
  partnershipsWithoutRoom(limit: number): Promise<PartnershipRecord[]>;
  /** Blocks `blocked`: cancels pending requests between the two and ends their partnership. */
  block(blocker: string, blocked: string, now: Date): Promise<void>;
  unblock(blocker: string, blocked: string): Promise<void>;
  blocksOf(blocker: string): Promise<BlockRecord[]>;
  /**
   * Stores a report. With `key` (what filed it, e.g. a bot command's event id), filing it again
   * under the same key returns the report stored the first time instead of a second one.
   */
  createReport(
    report: Omit<ReportRecord, "id" | "createdAt">,
    now: Date,
    key?: string,
  ): Promise<ReportRecord>;
  listReports(limit: number): Promise<ReportRecord[]>;
}
