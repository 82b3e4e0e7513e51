// Requests between partner organisations' learners. The requester's bridge keeps the request in
// its own partner_requests and tells the recipient's bridge with an event in its request room for
// that partner (orgRequestEvents.ts); the recipient's bridge checks it like a local request and
// keeps it under the same id, so both learners see and answer it as any other. Answers travel
// back the same way. Every message waits in PostgreSQL until our homeserver has taken it, and
// Synapse carries it to the partner whenever their homeserver is up.
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.js";
import type { OrgRequestStore, OutgoingMessage, RemoteLearner } from "../store/orgRequestStore.js";
import type { PartnerRequestRecord } from "../store/partnerStore.js";
import type { DirectoryContext } from "./directory.js";
import { entryCandidate } from "./directoryEntries.js";
import { isReciprocal, MAX_PENDING_INCOMING } from "./matching.js";
import { serverNameOf } from "./matrixIds.js";
import {
  ACCEPTED_EVENT,
  AVAILABLE_EVENT,
  DECLINED_EVENT,
  isOrgRequestEventType,
  type OrgRequestReading,
  REQUEST_EVENT,
  REQUEST_ROOM_TYPE,
  type RequestIgnoredReason,
  readOrgRequestEvent,
  requestContent,
  UNAVAILABLE_EVENT,
} from "./orgRequestEvents.js";
import { inviteUnlessPresent } from "./pairingBackoff.js";
import type { OrgRequests, PartnerContext, RemoteProfile } from "./partnerContext.js";
import { peopleByUserId, requestView } from "./partnerPeople.js";

/** One timeline event of a request room. */
export interface OrgTimelineEvent {
  eventId: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
}

/** What requests between organisations need from Matrix, as our bot (bot/directoryRequestsMatrix.ts). */
export interface OrgRequestMatrix {
  /**
   * Creates our request room for one partner: invite-only, only our bot may send or change
   * anything, history readable from the invite on, `m.room.server_acl` allowing `allowServers`,
   * `partnerBot` invited. Resolves with its id.
   */
  createRequestRoom(options: {
    name: string;
    partnerBot: string;
    allowServers: readonly string[];
  }): Promise<string>;
  /** The creator and `m.room.create` type of a room our bot is in. */
  roomCreation(roomId: string): Promise<{ creator: string; type: unknown } | undefined>;
  memberships(roomId: string): Promise<Map<string, string>>;
  invite(roomId: string, userId: string): Promise<void>;
  kick(roomId: string, userId: string, reason: string): Promise<void>;
  leave(roomId: string): Promise<void>;
  /** Sends a timeline event; the same `txnId` again sends nothing new. */
  send(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    txnId: string,
  ): Promise<void>;
  /** The latest `limit` timeline events of a room, oldest first. */
  recentEvents(roomId: string, limit: number): Promise<OrgTimelineEvent[]>;
}

export interface OrgRequestContext {
  store: OrgRequestStore;
  partners: PartnerContext;
  /** Our server, bot, partner list and learners' opt-ins, and partners' directories. */
  directory: DirectoryContext;
  matrix: OrgRequestMatrix;
  /** Told about every event the trust rule refused. */
  onIgnored: (reason: RequestIgnoredReason) => void;
  now: () => Date;
  logger: Logger;
  /**
   * Runs `task` after the room's events already queued, as the bot handles them (the round's
   * reading of a partner's room must not handle an event beside the same event's delivery).
   */
  inRoomOrder?: (roomId: string, task: () => Promise<void>) => Promise<void>;
}

/** Events of a partner's request room read again each round (a lost transaction, a restart). */
const CATCH_UP_EVENTS = 50;
/** Messages sent per flush; the rest go next round. */
const FLUSH_BATCH = 100;
/**
 * How long a partner's temporary "not available" holds at most. Their bridge says "available"
 * when a full inbox has room again; this is for when it never does (a learner who opted in
 * again, a partner that lost track): the requester may then ask once more.
 */
export const TEMPORARY_UNAVAILABLE_MS = 60 * 60 * 1_000;
/** Full-inbox answers looked at per round. */
const FULL_INBOX_BATCH = 100;

const botOf = (ctx: OrgRequestContext, serverName: string) =>
  `@${ctx.directory.botLocalpart}:${serverName}`;

/** A partner we list and whose directory we read: they list us too. */
async function isLive(ctx: OrgRequestContext, serverName: string): Promise<boolean> {
  return (
    serverName !== ctx.directory.serverName &&
    ctx.directory.partners.includes(serverName) &&
    (await ctx.directory.store.roomOfServer(serverName)) !== undefined
  );
}

const asProfile = ({ entry, organisation }: RemoteLearner): RemoteProfile => ({
  ...entryCandidate(entry, organisation, 0).profile,
  organisation,
});

async function organisationOf(ctx: OrgRequestContext, serverName: string): Promise<string> {
  return (await ctx.directory.store.roomOfServer(serverName))?.organisationName ?? serverName;
}

// Sends go one at a time, in the order they were queued: an answer never overtakes its request.
const flushing = new WeakMap<OrgRequestContext, Promise<void>>();

/** Sends what we owe partners; a failure leaves the rest for the next round. */
export function flushMessages(ctx: OrgRequestContext): Promise<void> {
  const run = async () => {
    for (const message of await ctx.store.unsent(FLUSH_BATCH)) {
      try {
        const roomId = await ownRoomFor(ctx, message.serverName);
        await ctx.matrix.send(roomId, message.type, message.content, message.txnId);
        await ctx.store.markSent(message.txnId, ctx.now());
      } catch (error) {
        ctx.logger.warn(
          { err: error, serverName: message.serverName, type: message.type },
          "telling a partner organisation failed; will retry",
        );
        return;
      }
    }
  };
  const next = (flushing.get(ctx) ?? Promise.resolve()).then(run, run);
  flushing.set(ctx, next);
  return next;
}

async function tell(
  ctx: OrgRequestContext,
  serverName: string,
  type: string,
  content: Record<string, unknown>,
  txnId: string,
): Promise<void> {
  const message: OutgoingMessage = { txnId, serverName, type, content };
  await ctx.store.enqueue(message, ctx.now());
  // Not awaited by the learner's request: the message is safe in PostgreSQL already.
  void flushMessages(ctx).catch((error: unknown) => {
    ctx.logger.warn({ err: error }, "flushing partner messages failed");
  });
}

/** Our request room for `serverName`, created (and its bot invited) the first time. */
async function ownRoomFor(ctx: OrgRequestContext, serverName: string): Promise<string> {
  const known = await ctx.store.roomOf(serverName, "out");
  if (known) return known;
  const roomId = await ctx.matrix.createRequestRoom({
    name: `Xstream requests: ${ctx.directory.organisationName} → ${serverName}`,
    partnerBot: botOf(ctx, serverName),
    allowServers: [ctx.directory.serverName, serverName],
  });
  await ctx.store.saveRoom(serverName, "out", roomId);
  ctx.logger.info({ serverName, roomId }, "request room for a partner created");
  return roomId;
}

/** The hooks the partner domain calls (PartnerContext.orgRequests). */
export function orgRequests(ctx: OrgRequestContext): OrgRequests {
  const remoteServer = (userId: string) => {
    const server = serverNameOf(userId);
    return server !== ctx.directory.serverName && ctx.directory.partners.includes(server)
      ? server
      : undefined;
  };
  return {
    async askable(userId) {
      if (!remoteServer(userId)) return undefined;
      const published = await ctx.store.publishedLearner(userId);
      return published && asProfile(published);
    },

    async personOf(userId) {
      if (serverNameOf(userId) === ctx.directory.serverName) return undefined;
      const known =
        (await ctx.store.learnerOf(userId)) ?? (await ctx.store.publishedLearner(userId));
      return known && asProfile(known);
    },

    async requested(request, requester) {
      const server = remoteServer(request.recipient);
      if (!server) return;
      // Their name and languages stay with the request even if their entry goes.
      const published = await ctx.store.publishedLearner(request.recipient);
      if (published) await ctx.store.saveLearner(published);
      await tell(
        ctx,
        server,
        REQUEST_EVENT,
        requestContent(request.id, requester, request.recipient),
        `request-${request.id}`,
      );
    },

    async declined(request) {
      const server = remoteServer(request.requester);
      if (!server) return;
      await tell(ctx, server, DECLINED_EVENT, { request_id: request.id }, `declined-${request.id}`);
    },

    async roomReady(requestId, requesterId, roomId) {
      const server = remoteServer(requesterId);
      if (!server) return;
      await tell(
        ctx,
        server,
        ACCEPTED_EVENT,
        { request_id: requestId, room_id: roomId },
        `accepted-${requestId}`,
      );
    },

    async blocked(blocker, blocked) {
      const server = remoteServer(blocked);
      if (!server) return;
      // Only "not available": the block itself stays ours.
      await answerUnavailable(ctx, server, blocker, blocked, false);
    },

    async unblocked(blocker, blocked) {
      const server = remoteServer(blocked);
      if (!server) return;
      await tell(
        ctx,
        server,
        AVAILABLE_EVENT,
        { user: blocker, other: blocked },
        `available-${randomUUID()}`,
      );
    },
  };
}

/**
 * Tells the requester's bridge our learner is not available to theirs: for good (until we say
 * otherwise) or, when `temporary`, for a while.
 */
function answerUnavailable(
  ctx: OrgRequestContext,
  server: string,
  ours: string,
  theirs: string,
  temporary: boolean,
): Promise<void> {
  return tell(
    ctx,
    server,
    UNAVAILABLE_EVENT,
    temporary ? { user: ours, other: theirs, temporary: true } : { user: ours, other: theirs },
    `unavailable-${randomUUID()}`,
  );
}

/** A partner's learner asks one of ours: the same checks as a local request. */
async function receiveRequest(
  ctx: OrgRequestContext,
  server: string,
  reading: Extract<OrgRequestReading, { kind: "request" }>,
): Promise<void> {
  const { requestId, requester, recipient } = reading;
  const known = await ctx.partners.partners.getRequest(requestId);
  if (known) {
    // A replay: nothing to do. The same id naming other learners is not one.
    if (known.requester !== requester.userId || known.recipient !== recipient) {
      ctx.onIgnored("mismatch");
    }
    return;
  }
  // Their bridge relays the request, so it no longer holds their learner unavailable to ours:
  // an earlier answer of theirs about the pair must not turn into a refusal of ours.
  await ctx.store.markAvailable(recipient, requester.userId, false);
  const organisation = await organisationOf(ctx, server);
  await ctx.store.saveLearner({ entry: requester, organisation });
  const asker = asProfile({ entry: requester, organisation });
  const them = await ctx.partners.profiles.get(recipient);
  const shown =
    them?.discoverable === true &&
    (await ctx.directory.store.isOptedIn(recipient)) &&
    isReciprocal(them, asker);
  if (!shown) {
    // Not shown to partners, or no longer a match: that can change without a word to them.
    await answerUnavailable(ctx, server, recipient, requester.userId, true);
    return;
  }
  const result = await ctx.partners.partners.createRequest(requester.userId, recipient, {
    maxPendingIncoming: MAX_PENDING_INCOMING,
    now: ctx.now(),
    id: requestId,
  });
  if ("refused" in result) {
    // The same event handled beside this one (its delivery and a round's reading, on two
    // replicas) made the request first: a replay, not a refusal to tell them about.
    const made = await ctx.partners.partners.getRequest(requestId);
    if (made?.requester === requester.userId && made.recipient === recipient) return;
    if (result.refused === "blocked") {
      await answerUnavailable(ctx, server, recipient, requester.userId, false);
    } else if (result.refused === "recipient_full") {
      // As locally: gone from their suggestions until the inbox has room (syncFullInboxes).
      await ctx.store.rememberFullInboxAnswer(recipient, requester.userId, ctx.now());
      await answerUnavailable(ctx, server, recipient, requester.userId, true);
    } else {
      // Already partners, or a request the other way is open: that one decides.
      await tell(ctx, server, DECLINED_EVENT, { request_id: requestId }, `declined-${requestId}`);
    }
    return;
  }
  const view = requestView(result.request, await peopleByUserId(ctx.partners, [recipient]));
  view.requester = { userId: asker.userId, displayName: asker.displayName, organisation };
  await ctx.partners.matrix.tellRequestReceived(view, asker).catch((error: unknown) => {
    ctx.logger.warn({ err: error, requestId }, "telling the recipient failed");
  });
  ctx.logger.info({ requestId, server }, "request from a partner organisation received");
}

/** The partner's answer to one of our learners' requests, checked against what we sent. */
async function ourRequestTo(
  ctx: OrgRequestContext,
  server: string,
  requestId: string,
): Promise<PartnerRequestRecord | undefined> {
  const request = await ctx.partners.partners.getRequest(requestId);
  if (
    !request ||
    serverNameOf(request.requester) !== ctx.directory.serverName ||
    serverNameOf(request.recipient) !== server
  ) {
    return undefined;
  }
  return request;
}

/**
 * One event from a room our bot is in that may be a partner's request event. Each event is
 * handled once: replays of it (redelivery, reading the room again) are skipped.
 */
export async function handleOrgEvent(
  ctx: OrgRequestContext,
  event: OrgTimelineEvent & { roomId: string },
): Promise<void> {
  if (await ctx.store.isSeen(event.eventId)) return;
  let room = await ctx.store.roomById(event.roomId);
  const sender = serverNameOf(event.sender);
  if (
    !room &&
    event.sender === botOf(ctx, sender) &&
    ctx.directory.partners.includes(sender) &&
    (await claimRequestRoom(ctx, sender, event.roomId))
  ) {
    // A partner's request room whose invite we could not take in at the time (a failed read
    // right after joining): taken in now, and read, this event included.
    if (await ctx.store.isSeen(event.eventId)) return;
    room = await ctx.store.roomById(event.roomId);
  }
  const reading = readOrgRequestEvent(
    {
      type: event.type,
      sender: event.sender,
      content: event.content,
      roomPartner: room?.direction === "in" ? room.serverName : undefined,
    },
    {
      botLocalpart: ctx.directory.botLocalpart,
      ownServer: ctx.directory.serverName,
      partners: new Set(ctx.directory.partners),
    },
  );
  const server = serverNameOf(event.sender);
  const now = ctx.now();
  switch (reading.kind) {
    case "ignored":
      ctx.onIgnored(reading.reason);
      ctx.logger.info(
        { roomId: event.roomId, sender: event.sender, reason: reading.reason },
        "partner request event ignored",
      );
      break;
    case "request":
      await receiveRequest(ctx, server, reading);
      break;
    case "accepted": {
      const request = await ourRequestTo(ctx, server, reading.requestId);
      const accepted =
        request &&
        (await ctx.store.acceptWithRoom(request.id, request.recipient, reading.roomId, now));
      if (accepted) {
        const people = await peopleByUserId(ctx.partners, [accepted.requester, accepted.recipient]);
        await ctx.partners.matrix
          .tellRequestAccepted(requestView(accepted, people), reading.roomId)
          .catch((error: unknown) => {
            ctx.logger.warn({ err: error }, "telling the requester failed");
          });
      }
      break;
    }
    case "declined": {
      const request = await ourRequestTo(ctx, server, reading.requestId);
      if (request) await ctx.partners.partners.declineRequest(request.id, request.recipient, now);
      break;
    }
    case "withdrawn":
      await ctx.store.withdraw(reading.requestId, server, now);
      break;
    case "unavailable": {
      const expiresAt = reading.temporary
        ? new Date(now.getTime() + TEMPORARY_UNAVAILABLE_MS)
        : undefined;
      const { endedRoomId } = await ctx.store.markUnavailable(
        reading.other,
        reading.user,
        now,
        expiresAt,
      );
      if (endedRoomId) {
        // Our learner leaves the room if our bot made it; otherwise their bot removes them.
        await ctx.partners.matrix.endPartnerRoom(endedRoomId, reading.other).catch(() => {});
      }
      break;
    }
    case "available":
      await ctx.store.markAvailable(reading.other, reading.user, reading.temporary);
      break;
  }
  await ctx.store.markSeen(event.eventId, now);
}

/** Reads the latest events of a partner's request room: whatever a transaction missed. */
async function catchUp(ctx: OrgRequestContext, roomId: string): Promise<void> {
  for (const event of await ctx.matrix.recentEvents(roomId, CATCH_UP_EVENTS)) {
    if (event.sender === botOf(ctx, ctx.directory.serverName)) continue;
    if (!isOrgRequestEventType(event.type)) continue;
    await handleOrgEvent(ctx, { ...event, roomId });
  }
}

/**
 * A partner's bot invited ours and we joined (directory.ts `invitedByBot`): if it is their
 * request room for us, keep it and read it. False for any other room.
 */
export async function claimRequestRoom(
  ctx: OrgRequestContext,
  serverName: string,
  roomId: string,
): Promise<boolean> {
  const creation = await ctx.matrix.roomCreation(roomId);
  if (creation?.type !== REQUEST_ROOM_TYPE) return false;
  if (creation.creator !== botOf(ctx, serverName)) {
    await ctx.matrix.leave(roomId).catch(() => {});
    return true;
  }
  await ctx.store.saveRoom(serverName, "in", roomId);
  ctx.logger.info({ serverName, roomId }, "joined a partner's request room");
  await catchUp(ctx, roomId);
  return true;
}

/** The pairing with `serverName` ended: open requests withdrawn, its rooms left. */
async function endPairing(ctx: OrgRequestContext, serverName: string): Promise<void> {
  const withdrawn = await ctx.store.withdrawServer(serverName, ctx.now());
  await ctx.store.dropUnsent(serverName);
  await ctx.store.forgetFullInboxAnswersOf(serverName);
  const own = await ctx.store.roomOf(serverName, "out");
  const theirs = await ctx.store.roomOf(serverName, "in");
  if (own) {
    await ctx.matrix
      .kick(own, botOf(ctx, serverName), "This organisation is no longer a partner.")
      .catch(() => {});
  }
  if (theirs) await ctx.matrix.leave(theirs).catch(() => {});
  await ctx.store.forgetRooms(serverName);
  ctx.logger.info({ serverName, withdrawn }, "pairing ended; open requests withdrawn");
}

/**
 * A membership change in a request room: our bot removed from a partner's, or their bot gone
 * from ours, means they ended the pairing. Open requests with them are withdrawn at once.
 */
export async function requestRoomLeft(
  ctx: OrgRequestContext,
  roomId: string,
  userId: string,
): Promise<void> {
  const room = await ctx.store.roomById(roomId);
  if (!room) return;
  const ours = botOf(ctx, ctx.directory.serverName);
  const gone =
    (room.direction === "in" && userId === ours) ||
    (room.direction === "out" && userId === botOf(ctx, room.serverName));
  if (!gone) return;
  const withdrawn = await ctx.store.withdrawServer(room.serverName, ctx.now());
  if (withdrawn) {
    ctx.logger.info({ serverName: room.serverName, withdrawn }, "partner left; requests withdrawn");
  }
}

/**
 * Partners' learners we turned away for a full inbox hear "available" once it has room, as a
 * local requester would see that learner return to their suggestions.
 */
async function syncFullInboxes(ctx: OrgRequestContext): Promise<void> {
  for (const { user, other } of await ctx.store.fullInboxAnswers(FULL_INBOX_BATCH)) {
    const server = serverNameOf(other);
    if (!ctx.directory.partners.includes(server)) {
      await ctx.store.forgetFullInboxAnswer(user, other);
      continue;
    }
    const { incoming } = await ctx.partners.partners.pendingRequestsOf(user);
    if (incoming.length >= MAX_PENDING_INCOMING) continue;
    // Lifts only a temporary answer: a block made since stays in force on their side.
    await tell(
      ctx,
      server,
      AVAILABLE_EVENT,
      { user, other, temporary: true },
      `available-${randomUUID()}`,
    );
    await ctx.store.forgetFullInboxAnswer(user, other);
  }
}

/**
 * One round: pairings that ended are wound up, live partners' bots are invited to our request
 * rooms, their rooms are read again, temporary answers lapse or are lifted, and what we owe
 * them is sent.
 */
export async function syncOrgRequests(ctx: OrgRequestContext): Promise<void> {
  for (const server of await ctx.store.roomServers()) {
    if (!ctx.directory.partners.includes(server)) await endPairing(ctx, server);
  }
  for (const server of ctx.directory.partners) {
    try {
      if (!(await isLive(ctx, server))) continue;
      const own = await ownRoomFor(ctx, server);
      await inviteUnlessPresent(ctx.matrix, own, botOf(ctx, server));
      const theirs = await ctx.store.roomOf(server, "in");
      if (theirs) {
        const read = () => catchUp(ctx, theirs);
        await (ctx.inRoomOrder ? ctx.inRoomOrder(theirs, read) : read());
      }
    } catch (error) {
      ctx.logger.warn({ err: error, server }, "request room round failed; will retry");
    }
  }
  try {
    await ctx.store.dropLapsedUnavailable(ctx.now());
    await syncFullInboxes(ctx);
  } catch (error) {
    ctx.logger.warn({ err: error }, "temporary answers round failed; will retry");
  }
  await flushMessages(ctx);
}
