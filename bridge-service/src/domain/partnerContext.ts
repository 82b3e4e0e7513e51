import type { Logger } from "../logger.js";
import type {
  PartnerRequestRecord,
  PartnerRequestStatus,
  PartnerStore,
  ReportRecord,
} from "../store/partnerStore.js";
import type { ProfileStore } from "../store/profileStore.js";
import type { MatchCandidate } from "./matching.js";
import type { CefrLevel, LearningLanguage, Profile } from "./profiles.js";

/** Someone as other learners see them in lists. */
export interface PersonView {
  userId: string;
  displayName: string;
  /** A partner organisation's name, for its learners. */
  organisation?: string;
}

export type { PartnerRequestStatus };

export interface PartnerRequestView {
  id: string;
  requester: PersonView;
  recipient: PersonView;
  status: PartnerRequestStatus;
  createdAt: Date;
  decidedAt: Date | undefined;
}

export interface PartnershipView {
  partner: PersonView & { native: string[]; learning: LearningLanguage[] };
  /** The shared direct room; null while the bot has not managed to create it yet. */
  roomId: string | null;
  since: Date;
}

/** A report as moderators see it: stored as it is shown. */
export type ReportView = ReportRecord;

/** The two sides of a new partnership, for the welcome message. */
export interface NewPartnership {
  requester: Profile;
  recipient: Profile;
  /** The languages they exchange: what the requester learns from the recipient and back. */
  requesterLearns: { language: string; level: CefrLevel } | undefined;
  recipientLearns: { language: string; level: CefrLevel } | undefined;
}

/**
 * What partner matching needs from Matrix; implemented in matrix/partnerMatrix.ts with the
 * bot's appservice token and the bridge's admin user.
 */
export interface PartnerMatrix {
  /** Publishes `org.xstream.languages` and `m.tz` on a local user's Matrix profile; no-op for remote users. */
  publishProfile(profile: Profile): Promise<void>;
  /** Creates the partners' direct room, invites both, posts the welcome; resolves with its id. */
  createPartnerRoom(partnership: NewPartnership): Promise<string>;
  /** Tells the recipient, through the bot's DM with them if there is one. */
  tellRequestReceived(request: PartnerRequestView, requester: Profile): Promise<void>;
  /** Tells the requester that the recipient accepted, and where the room is. */
  tellRequestAccepted(request: PartnerRequestView, roomId: string | null): Promise<void>;
  /** The Matrix display name of any user, local or remote. */
  displayNameOf(userId: string): Promise<string | undefined>;
  /** Ends a partner room after a block: the blocked learner is removed from it. */
  endPartnerRoom(roomId: string, blockedUserId: string): Promise<void>;
}

/** Partner organisations' learners, from their directory rooms (domain/directory.ts). */
export interface RemoteLearners {
  /** Entries reciprocal to `me`, minus `excluded`, most recently updated first. */
  findCandidates(
    me: Profile,
    excluded: ReadonlySet<string>,
    limit: number,
  ): Promise<MatchCandidate[]>;
}

/** A partner organisation's learner as a profile, with their organisation's name. */
export interface RemoteProfile extends Profile {
  organisation: string;
}

/** Requests with partner organisations' learners (domain/directoryRequests.ts). */
export interface OrgRequests {
  /** A learner a partner organisation publishes to us right now: one our learners may ask. */
  askable(userId: string): Promise<RemoteProfile | undefined>;
  /** A partner organisation's learner a request names, for lists and their room. */
  personOf(userId: string): Promise<RemoteProfile | undefined>;
  /** Our learner asked theirs: their bridge is told. */
  requested(request: PartnerRequestRecord, requester: Profile): Promise<void>;
  /** Our learner declined theirs: their bridge is told. */
  declined(request: PartnerRequestRecord): Promise<void>;
  /** The room of a partnership our learner accepted exists: the requester's bridge is told. */
  roomReady(requestId: string, requesterId: string, roomId: string): Promise<void>;
  /** Our learner blocked someone: if theirs, their bridge stops both ways. */
  blocked(blocker: string, blocked: string): Promise<void>;
  /** Our learner unblocked someone: if theirs, their bridge lifts what the block made it hide. */
  unblocked(blocker: string, blocked: string): Promise<void>;
}

export interface PartnerContext {
  profiles: ProfileStore;
  /** Absent when the organisation has no partners. */
  orgRequests?: OrgRequests;
  /** Absent when the organisation has no partners. */
  remoteLearners?: RemoteLearners;
  partners: PartnerStore;
  matrix: PartnerMatrix;
  /**
   * The learners this organisation banned (domain/policyList.ts): never suggested here either,
   * as they are not to partner organisations. Absent means no one is banned.
   */
  localBans?: () => Promise<ReadonlySet<string>>;
  now: () => Date;
  logger: Logger;
}
