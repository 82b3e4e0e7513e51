// The events two partner organisations' bots exchange about requests between their learners,
// and the rule by which a bridge decides whether to believe one. Pure: no Matrix, no database.
//
// Each bot writes only in its own request room for one partner (type `org.xstream.partner_requests`)
// and reads the one the partner's bot writes for it. An event counts only when its sender is the
// `@xstream` bot of a live partner, it sits in that partner's room for us, and every learner it
// speaks for is on the sender's server; whatever it says about our own learners is checked here.
import {
  type DirectoryEntry,
  LEARNER_EVENT_TYPE,
  type LearnerEntryContent,
  learnerEntryContent,
  learnerStateKey,
  readLearnerEvent,
} from "./directoryEntries.js";
import { isMatrixRoomId, isMatrixUserId, serverNameOf } from "./matrixIds.js";
import type { Profile } from "./profiles.js";

/** `m.room.create` content `type` of a request room. */
export const REQUEST_ROOM_TYPE = "org.xstream.partner_requests";

export const REQUEST_EVENT = "org.xstream.partner_request";
export const ACCEPTED_EVENT = "org.xstream.partner_request_accepted";
export const DECLINED_EVENT = "org.xstream.partner_request_declined";
export const WITHDRAWN_EVENT = "org.xstream.partner_request_withdrawn";
/**
 * "This learner of ours is not available to that one of yours". With `temporary: true` (a full
 * inbox, a learner not shown to partners) it lapses by itself; without, it holds until the same
 * side says otherwise. Why is never said: the requesting learner hears what a local one would.
 */
export const UNAVAILABLE_EVENT = "org.xstream.partner_unavailable";
/**
 * "This learner of ours is available to that one of yours again": an unblock (any unavailability
 * lifted), or with `temporary: true` a full inbox with room again (only a temporary one lifted).
 */
export const AVAILABLE_EVENT = "org.xstream.partner_available";

export const ORG_REQUEST_EVENT_TYPES: ReadonlySet<string> = new Set([
  REQUEST_EVENT,
  ACCEPTED_EVENT,
  DECLINED_EVENT,
  WITHDRAWN_EVENT,
  UNAVAILABLE_EVENT,
  AVAILABLE_EVENT,
]);

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isRequestId = (value: unknown): value is string =>
  typeof value === "string" && value.length === 36 && REQUEST_ID.test(value);
/** Checked for length before the grammar: a megabyte "user id" is not worth a regex. */
const isUserId = (value: unknown): value is string =>
  typeof value === "string" && value.length <= 255 && isMatrixUserId(value);

/** Why an event was not believed; the label of the ignored-requests metric. */
export type RequestIgnoredReason =
  /** Not the partner's bot, or speaking for a learner of another server. */
  | "forged_sender"
  /** The sender's server is not a live partner of ours. */
  | "not_paired"
  /** Not in the partner's request room for us. */
  | "wrong_room"
  /** About a learner who is not ours where it must be. */
  | "wrong_recipient"
  /** Fields beyond their limits. */
  | "too_large"
  /** Missing or wrongly typed fields, an invalid profile. */
  | "malformed"
  /** A known request id naming other learners. */
  | "mismatch";

export type OrgRequestReading =
  | {
      kind: "request";
      requestId: string;
      requester: DirectoryEntry;
      recipient: string;
    }
  | { kind: "accepted"; requestId: string; roomId: string }
  | { kind: "declined" | "withdrawn"; requestId: string }
  | { kind: "unavailable" | "available"; user: string; other: string; temporary: boolean }
  | { kind: "ignored"; reason: RequestIgnoredReason };

export interface OrgRequestEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  /** The partner whose request room for us the event is in; undefined for any other room. */
  roomPartner: string | undefined;
}

export interface OrgRequestRule {
  botLocalpart: string;
  ownServer: string;
  /** Servers we list. */
  partners: ReadonlySet<string>;
}

/** The content of a request: who asks whom, and the requester as their directory entry. */
export function requestContent(
  requestId: string,
  requester: Profile,
  recipient: string,
): Record<string, unknown> {
  return {
    request_id: requestId,
    requester: requester.userId,
    recipient,
    requester_profile: learnerEntryContent(requester) satisfies LearnerEntryContent,
  };
}

/**
 * Reads one event from a partner's request room under the trust rule. Only the fields it needs
 * are looked at, each bounded before it is parsed.
 */
export function readOrgRequestEvent(
  event: OrgRequestEvent,
  rule: OrgRequestRule,
): OrgRequestReading {
  const ignored = (reason: RequestIgnoredReason): OrgRequestReading => ({
    kind: "ignored",
    reason,
  });
  if (!isUserId(event.sender)) return ignored("forged_sender");
  const server = serverNameOf(event.sender);
  if (event.sender !== `@${rule.botLocalpart}:${server}` || server === rule.ownServer) {
    return ignored("forged_sender");
  }
  if (!rule.partners.has(server)) return ignored("not_paired");
  if (event.roomPartner !== server) return ignored("wrong_room");
  const { content } = event;
  // One of theirs, as the sender may speak only for its own learners.
  const theirs = (value: unknown): RequestIgnoredReason | undefined => {
    if (!isUserId(value)) return typeof value === "string" ? "too_large" : "malformed";
    return serverNameOf(value) === server ? undefined : "forged_sender";
  };
  const ours = (value: unknown): RequestIgnoredReason | undefined => {
    if (!isUserId(value)) return typeof value === "string" ? "too_large" : "malformed";
    return serverNameOf(value) === rule.ownServer ? undefined : "wrong_recipient";
  };
  if (event.type === UNAVAILABLE_EVENT || event.type === AVAILABLE_EVENT) {
    const problem = theirs(content.user) ?? ours(content.other);
    if (problem) return ignored(problem);
    if (content.temporary !== undefined && typeof content.temporary !== "boolean") {
      return ignored("malformed");
    }
    return {
      kind: event.type === UNAVAILABLE_EVENT ? "unavailable" : "available",
      user: content.user as string,
      other: content.other as string,
      temporary: content.temporary === true,
    };
  }
  if (!isRequestId(content.request_id)) {
    return typeof content.request_id === "string" && content.request_id.length > 36
      ? ignored("too_large")
      : ignored("malformed");
  }
  const requestId = content.request_id;
  switch (event.type) {
    case REQUEST_EVENT: {
      const problem = theirs(content.requester) ?? ours(content.recipient);
      if (problem) return ignored(problem);
      const profile = content.requester_profile;
      if (typeof profile !== "object" || profile === null || Array.isArray(profile)) {
        return ignored("malformed");
      }
      // The same reading as a directory entry of theirs: the same limits and profile rules.
      const reading = readLearnerEvent(
        {
          sender: event.sender,
          stateKey: learnerStateKey(content.requester as string),
          content: profile as Record<string, unknown>,
          roomOwner: server,
        },
        { botLocalpart: rule.botLocalpart, partners: rule.partners },
      );
      if (reading.kind === "ignored") {
        return ignored(reading.reason === "too_large" ? "too_large" : "malformed");
      }
      if (reading.kind !== "entry") return ignored("malformed");
      return {
        kind: "request",
        requestId,
        requester: reading.entry,
        recipient: content.recipient as string,
      };
    }
    case ACCEPTED_EVENT: {
      const roomId = content.room_id;
      if (typeof roomId !== "string" || roomId.length > 255 || !isMatrixRoomId(roomId)) {
        return ignored("malformed");
      }
      return { kind: "accepted", requestId, roomId };
    }
    case DECLINED_EVENT:
      return { kind: "declined", requestId };
    case WITHDRAWN_EVENT:
      return { kind: "withdrawn", requestId };
    default:
      return ignored("malformed");
  }
}

// Kept in one place so the directory's event type cannot be mistaken for ours.
export const isOrgRequestEventType = (type: string) =>
  type !== LEARNER_EVENT_TYPE && ORG_REQUEST_EVENT_TYPES.has(type);
