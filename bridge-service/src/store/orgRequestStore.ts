import type { DirectoryEntry } from "../domain/directoryEntries.js";
import type { PartnerRequestRecord } from "./partnerStore.js";

/** 'out': the room our bot writes for one partner; 'in': the one its bot writes for us. */
export type RequestRoomDirection = "out" | "in";

/** An event we owe a partner's bridge, until our homeserver has taken it. */
export interface OutgoingMessage {
  txnId: string;
  serverName: string;
  type: string;
  content: Record<string, unknown>;
}

/** A partner's learner as their bot described them, with their organisation's name. */
export interface RemoteLearner {
  entry: DirectoryEntry;
  organisation: string;
}

/**
 * Storage for requests between organisations (the domain's port; PostgreSQL in
 * store/pg/orgRequestStore.ts). The requests themselves are PartnerStore's; this holds the rooms
 * they travel in, what is still to be sent, what was already read, and partners' learners.
 */
export interface OrgRequestStore {
  roomOf(serverName: string, direction: RequestRoomDirection): Promise<string | undefined>;
  roomById(
    roomId: string,
  ): Promise<{ serverName: string; direction: RequestRoomDirection } | undefined>;
  saveRoom(serverName: string, direction: RequestRoomDirection, roomId: string): Promise<void>;
  /** Servers we hold a request room of. */
  roomServers(): Promise<string[]>;
  forgetRooms(serverName: string): Promise<void>;

  /** Keeps a message until it is sent; the same `txnId` again is a no-op. */
  enqueue(message: OutgoingMessage, now: Date): Promise<void>;
  unsent(limit: number): Promise<OutgoingMessage[]>;
  markSent(txnId: string, now: Date): Promise<void>;
  /** Drops what was never sent to a former partner. */
  dropUnsent(serverName: string): Promise<void>;

  isSeen(eventId: string): Promise<boolean>;
  markSeen(eventId: string, now: Date): Promise<void>;

  saveLearner(learner: RemoteLearner): Promise<void>;
  /** A learner a request named (`remote_learners`). */
  learnerOf(userId: string): Promise<RemoteLearner | undefined>;
  /** A learner their organisation publishes to us right now (`directory_entries`). */
  publishedLearner(userId: string): Promise<RemoteLearner | undefined>;

  /**
   * The partner accepted our learner's request and made the room: the request is accepted and
   * the partnership recorded with that room, in one transaction. Undefined unless it was a
   * pending request to `recipient`.
   */
  acceptWithRoom(
    requestId: string,
    recipient: string,
    roomId: string,
    now: Date,
  ): Promise<PartnerRequestRecord | undefined>;
  /** Cancels a pending request from `requesterServer`'s learner; false if there was none. */
  withdraw(requestId: string, requesterServer: string, now: Date): Promise<boolean>;
  /**
   * `other` (a partner's learner) is not available to `user` (ours), as `other`'s server said:
   * remembered, pending requests between them cancelled. Until `expiresAt` when given (a lapse
   * that never ends a partnership); otherwise until that server says otherwise, and a
   * partnership between them ends. A lasting answer outranks a temporary one. Returns the ended
   * partnership's room.
   */
  markUnavailable(
    user: string,
    other: string,
    now: Date,
    expiresAt?: Date,
  ): Promise<{ endedRoomId: string | null | undefined }>;
  /**
   * `other`'s server says they are available to `user` again: its answer for the pair lifted,
   * only a temporary one when `temporaryOnly`. False if there was none.
   */
  markAvailable(user: string, other: string, temporaryOnly: boolean): Promise<boolean>;
  /** Temporary answers whose time is up go; returns how many. */
  dropLapsedUnavailable(now: Date): Promise<number>;

  /** We answered `other` (theirs) that `user` (ours) is not available as their inbox is full. */
  rememberFullInboxAnswer(user: string, other: string, now: Date): Promise<void>;
  /** Full-inbox answers still owed an "available", oldest first. */
  fullInboxAnswers(limit: number): Promise<{ user: string; other: string }[]>;
  forgetFullInboxAnswer(user: string, other: string): Promise<void>;
  /** A former partner's full-inbox answers go with the pairing. */
  forgetFullInboxAnswersOf(serverName: string): Promise<void>;

  /** Cancels every pending request between our learners and `serverName`'s; returns how many. */
  withdrawServer(serverName: string, now: Date): Promise<number>;
}
