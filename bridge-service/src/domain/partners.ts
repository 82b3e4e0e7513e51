import type { PartnerRequestRecord, PartnershipRecord } from "../store/partnerStore.js";
import { validateDisplayName } from "./accountRules.js";
import { primaryLanguage } from "./languages.js";
import {
  isReciprocal,
  MAX_PENDING_INCOMING,
  type MatchCandidate,
  offeredExchanges,
  rankCandidates,
  type Suggestion,
  soughtExchanges,
} from "./matching.js";
import { isMatrixEventId, isMatrixRoomId, isMatrixUserId } from "./matrixIds.js";
import type {
  PartnerContext,
  PartnerRequestView,
  PartnershipView,
  PersonView,
  ReportView,
} from "./partnerContext.js";
import {
  emptyProfileInput,
  type Profile,
  type ProfileInput,
  validateProfileInput,
} from "./profiles.js";
import { Refusal } from "./refusal.js";

/** How many reciprocal candidates, most recently active first, are scored per request. */
export const CANDIDATE_POOL = 200;
export const MAX_SUGGESTIONS = 50;
/** A room creation that has not finished after this long is assumed dead and retried. */
export const ROOM_CREATION_STALE_MS = 2 * 60_000;
export const REPORT_REASON_MAX = 1_000;
export const REPORT_EVIDENCE_MAX = 20;

const localpartOf = (userId: string) => userId.slice(1).split(":")[0] ?? userId;

export async function getProfile(
  ctx: PartnerContext,
  userId: string,
): Promise<Profile | undefined> {
  return ctx.profiles.get(userId);
}

/** The profile or a refusal telling the learner to create one. */
async function requireProfile(ctx: PartnerContext, userId: string): Promise<Profile> {
  const profile = await ctx.profiles.get(userId);
  if (!profile) {
    throw new Refusal("profile_missing", "Set up your language profile first.");
  }
  return profile;
}

function requireCompleteProfile(profile: Profile): void {
  if (profile.native.length === 0 || profile.learning.length === 0) {
    throw new Refusal(
      "profile_incomplete",
      "Add a native language and a language you are learning first.",
    );
  }
}

/**
 * A display name from Matrix (another homeserver's, perhaps) held to the rules our own learners'
 * names follow; undefined when it breaks them.
 */
function usableDisplayName(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    return validateDisplayName(raw);
  } catch {
    return undefined;
  }
}

async function displayNameFor(
  ctx: PartnerContext,
  userId: string,
  known: string | undefined,
): Promise<string> {
  if (known) return known;
  try {
    return usableDisplayName(await ctx.matrix.displayNameOf(userId)) ?? localpartOf(userId);
  } catch (error) {
    ctx.logger.debug({ err: error, userId }, "display name lookup failed");
    return localpartOf(userId);
  }
}

/**
 * Publishes the profile on Matrix and remembers that it did. A failure is logged and left to
 * `publishPendingProfiles`, which retries: PostgreSQL already holds the change.
 */
async function publishProfile(ctx: PartnerContext, profile: Profile): Promise<void> {
  try {
    await ctx.matrix.publishProfile(profile);
    await ctx.profiles.markPublished(profile.userId, profile.updatedAt);
  } catch (error) {
    ctx.logger.warn(
      { err: error, userId: profile.userId },
      "publishing a profile failed; will retry",
    );
  }
}

/**
 * Applies `change` to the learner's profile (an empty one if they have none yet), validates the
 * result and stores it; then publishes it on Matrix. The bot's commands change one part each.
 * @param displayName the name to show; looked up on Matrix when not given
 * @throws Refusal("invalid_profile") naming the field at fault
 */
export async function changeProfile(
  ctx: PartnerContext,
  userId: string,
  change: (current: ProfileInput) => ProfileInput,
  options: { displayName?: string } = {},
): Promise<Profile> {
  const existing = await ctx.profiles.get(userId);
  const displayName = await displayNameFor(
    ctx,
    userId,
    options.displayName ?? existing?.displayName,
  );
  const profile = await ctx.profiles.update(
    userId,
    displayName,
    (current) => {
      const input = validateProfileInput(change(current ?? emptyProfileInput()));
      return { input, exchangeKeys: offeredExchanges(input) };
    },
    ctx.now(),
  );
  await publishProfile(ctx, profile);
  return profile;
}

/**
 * Keeps a learner's stored name in step with their Matrix display name. A learner on another
 * homeserver changes it there; we only learn of it from the member events their server sends
 * into the rooms the bot shares with them. Names that break our rules are ignored.
 * @returns whether the stored name changed
 */
export async function refreshDisplayName(
  ctx: PartnerContext,
  userId: string,
  displayName: unknown,
): Promise<boolean> {
  const name = usableDisplayName(displayName);
  if (name === undefined || !isMatrixUserId(userId)) return false;
  return ctx.profiles.rename(userId, name);
}

/** Replaces the learner's whole profile (the web client's form). */
export function saveProfile(
  ctx: PartnerContext,
  userId: string,
  input: ProfileInput,
  options: { displayName?: string } = {},
): Promise<Profile> {
  return changeProfile(ctx, userId, () => input, options);
}

/** Retries publishing profiles whose latest version is not on Matrix yet; returns how many. */
export async function publishPendingProfiles(ctx: PartnerContext, limit = 100): Promise<number> {
  const pending = await ctx.profiles.listUnpublished(limit);
  for (const profile of pending) await publishProfile(ctx, profile);
  return pending.length;
}

/**
 * Ranked partner suggestions for `userId`: reciprocal, discoverable learners who are not
 * blocked (either way), not already partners and not in an open request with them.
 * @throws Refusal when the learner has no (complete) profile
 */
export async function findPartners(
  ctx: PartnerContext,
  userId: string,
  { limit }: { limit: number },
): Promise<Suggestion[]> {
  const [me, excluded, signals] = await Promise.all([
    requireProfile(ctx, userId),
    ctx.partners.excludedFor(userId),
    ctx.profiles.signalsOf(userId),
  ]);
  requireCompleteProfile(me);
  const candidates = await ctx.profiles.findCandidates(
    soughtExchanges(me),
    new Set([me.userId, ...excluded]),
    CANDIDATE_POOL,
  );
  const self: MatchCandidate = {
    profile: me,
    // The learner asking is active right now, whatever the homeserver last said.
    signals: { ...signals, lastActiveAt: ctx.now(), presence: "online", presenceAt: ctx.now() },
  };
  return rankCandidates(self, candidates, {
    now: ctx.now(),
    limit: Math.min(Math.max(limit, 1), MAX_SUGGESTIONS),
    excludedUserIds: excluded,
  });
}

async function peopleByUserId(
  ctx: PartnerContext,
  userIds: Iterable<string>,
): Promise<Map<string, Profile | undefined>> {
  const unique = [...new Set(userIds)];
  const profiles = await Promise.all(unique.map((userId) => ctx.profiles.get(userId)));
  return new Map(unique.map((userId, i) => [userId, profiles[i]]));
}

function personView(userId: string, profile: Profile | undefined): PersonView {
  return { userId, displayName: profile?.displayName || localpartOf(userId) };
}

function requestView(
  record: PartnerRequestRecord,
  people: Map<string, Profile | undefined>,
): PartnerRequestView {
  return {
    id: record.id,
    requester: personView(record.requester, people.get(record.requester)),
    recipient: personView(record.recipient, people.get(record.recipient)),
    status: record.status,
    createdAt: record.createdAt,
    decidedAt: record.decidedAt,
  };
}

function partnershipView(
  record: PartnershipRecord,
  userId: string,
  people: Map<string, Profile | undefined>,
): PartnershipView {
  const partnerId = record.users[0] === userId ? record.users[1] : record.users[0];
  const profile = people.get(partnerId);
  return {
    partner: {
      ...personView(partnerId, profile),
      native: profile?.native ?? [],
      learning: profile?.learning ?? [],
    },
    roomId: record.roomId,
    since: record.createdAt,
  };
}

function requireUserId(userId: string, field: string): void {
  if (!isMatrixUserId(userId)) {
    throw new Refusal(
      "invalid_user_id",
      `"${userId}" is not a Matrix user id like @ana:example.org.`,
      {
        field,
      },
    );
  }
}

/**
 * Asks `toUserId` to become `fromUserId`'s partner. If they had already asked `fromUserId`,
 * this accepts their request instead.
 * @throws Refusal when the pair does not match, is blocked or connected, or the recipient is
 *   holding too many open requests
 */
export async function requestPartner(
  ctx: PartnerContext,
  fromUserId: string,
  toUserId: string,
): Promise<{ request: PartnerRequestView; partnership?: PartnershipView }> {
  requireUserId(toUserId, "user_id");
  if (toUserId === fromUserId) {
    throw new Refusal("cannot_target_self", "You cannot be your own partner.", {
      field: "user_id",
    });
  }
  const me = await requireProfile(ctx, fromUserId);
  requireCompleteProfile(me);
  const them = await ctx.profiles.get(toUserId);
  if (!them?.discoverable || !isReciprocal(me, them)) {
    throw new Refusal(
      "not_a_match",
      "This learner is not a match for you: they need to speak a language you learn and learn one you speak.",
      { field: "user_id" },
    );
  }

  const { incoming } = await ctx.partners.pendingRequestsOf(fromUserId);
  const theirs = incoming.find((request) => request.requester === toUserId);
  if (theirs) {
    const partnership = await acceptRequest(ctx, fromUserId, theirs.id);
    const people = await peopleByUserId(ctx, [fromUserId, toUserId]);
    const accepted = (await ctx.partners.getRequest(theirs.id)) ?? theirs;
    return { request: requestView(accepted, people), partnership };
  }

  const result = await ctx.partners.createRequest(fromUserId, toUserId, {
    maxPendingIncoming: MAX_PENDING_INCOMING,
    now: ctx.now(),
  });
  if ("refused" in result) {
    switch (result.refused) {
      case "connected":
        throw new Refusal("already_connected", "You are already partners.", { field: "user_id" });
      case "request_exists":
        throw new Refusal("request_exists", "You have already asked this learner.", {
          field: "user_id",
        });
      case "blocked":
      case "recipient_full":
        // A block is not revealed: the learner is simply not available.
        throw new Refusal(
          "partner_unavailable",
          "This learner is not taking new requests right now. Try someone else.",
          { field: "user_id" },
        );
    }
  }
  const people = new Map([
    [fromUserId, me],
    [toUserId, them],
  ]);
  const view = requestView(result.request, people);
  await ctx.matrix.tellRequestReceived(view, me).catch((error: unknown) => {
    ctx.logger.warn({ err: error, requestId: view.id }, "telling the recipient failed");
  });
  return { request: view };
}

export async function listRequests(
  ctx: PartnerContext,
  userId: string,
): Promise<{ incoming: PartnerRequestView[]; outgoing: PartnerRequestView[] }> {
  const { incoming, outgoing } = await ctx.partners.pendingRequestsOf(userId);
  const people = await peopleByUserId(
    ctx,
    [...incoming, ...outgoing].flatMap((request) => [request.requester, request.recipient]),
  );
  return {
    incoming: incoming.map((request) => requestView(request, people)),
    outgoing: outgoing.map((request) => requestView(request, people)),
  };
}

/**
 * Creates the pair's direct room unless it exists or another attempt is under way; returns the
 * room id, or null if it could not be created now (`createMissingPartnerRooms` retries).
 */
async function ensurePartnerRoom(
  ctx: PartnerContext,
  partnership: PartnershipRecord,
  requesterId: string,
): Promise<string | null> {
  if (partnership.roomId) return partnership.roomId;
  if (
    !(await ctx.partners.claimRoomCreation(partnership.users, ctx.now(), ROOM_CREATION_STALE_MS))
  ) {
    return null;
  }
  const recipientId =
    partnership.users[0] === requesterId ? partnership.users[1] : partnership.users[0];
  try {
    const [requester, recipient] = await Promise.all([
      requireProfile(ctx, requesterId),
      requireProfile(ctx, recipientId),
    ]);
    const roomId = await ctx.matrix.createPartnerRoom({
      requester,
      recipient,
      requesterLearns: exchangedLanguage(requester, recipient),
      recipientLearns: exchangedLanguage(recipient, requester),
    });
    await ctx.partners.setPartnershipRoom(partnership.users, roomId);
    return roomId;
  } catch (error) {
    ctx.logger.warn(
      { err: error, users: partnership.users },
      "creating a partner room failed; will retry",
    );
    await ctx.partners.releaseRoomCreation(partnership.users).catch(() => {
      // The claim then goes stale and the retry comes a little later.
    });
    return null;
  }
}

/** The language `learner` learns that `teacher` speaks natively, with the learner's level. */
function exchangedLanguage(learner: Profile, teacher: Profile) {
  const teaches = new Set(teacher.native.map(primaryLanguage));
  return learner.learning.find((entry) => teaches.has(primaryLanguage(entry.language)));
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isRequestId = (id: string) => REQUEST_ID.test(id);
// Unknown, malformed, already decided and someone else's requests all look the same.
const noSuchRequest = () =>
  new Refusal("request_not_found", "There is no open request with this id for you.");

/**
 * Accepts a request addressed to `userId`: records the partnership, creates the pair's direct
 * room through the bot and tells the requester.
 * @throws Refusal("request_not_found") unless it is a pending request to `userId`
 */
export async function acceptRequest(
  ctx: PartnerContext,
  userId: string,
  requestId: string,
): Promise<PartnershipView> {
  const accepted = isRequestId(requestId)
    ? await ctx.partners.acceptRequest(requestId, userId, ctx.now())
    : undefined;
  if (!accepted) throw noSuchRequest();
  const { request, partnership } = accepted;
  const roomId = await ensurePartnerRoom(ctx, partnership, request.requester);
  const people = await peopleByUserId(ctx, partnership.users);
  const view = requestView(request, people);
  await ctx.matrix.tellRequestAccepted(view, roomId).catch((error: unknown) => {
    ctx.logger.warn({ err: error, requestId }, "telling the requester failed");
  });
  return partnershipView({ ...partnership, roomId }, userId, people);
}

/** Creates rooms that accepted partnerships are still missing; returns how many it created. */
export async function createMissingPartnerRooms(ctx: PartnerContext, limit = 20): Promise<number> {
  let created = 0;
  for (const partnership of await ctx.partners.partnershipsWithoutRoom(limit)) {
    const request = await ctx.partners.getRequest(partnership.requestId);
    const requesterId = request?.requester ?? partnership.users[0];
    if (await ensurePartnerRoom(ctx, partnership, requesterId)) created++;
  }
  return created;
}

export async function declineRequest(
  ctx: PartnerContext,
  userId: string,
  requestId: string,
): Promise<PartnerRequestView> {
  const declined = isRequestId(requestId)
    ? await ctx.partners.declineRequest(requestId, userId, ctx.now())
    : undefined;
  if (!declined) throw noSuchRequest();
  return requestView(declined, await peopleByUserId(ctx, [declined.requester, declined.recipient]));
}

export async function listPartners(
  ctx: PartnerContext,
  userId: string,
): Promise<PartnershipView[]> {
  const partnerships = await ctx.partners.partnershipsOf(userId);
  const people = await peopleByUserId(
    ctx,
    partnerships.flatMap((p) => p.users),
  );
  return partnerships.map((partnership) => partnershipView(partnership, userId, people));
}

/** Blocks any Matrix user: no suggestions or requests either way, and an end to the partnership. */
export async function blockUser(
  ctx: PartnerContext,
  userId: string,
  otherUserId: string,
): Promise<void> {
  requireUserId(otherUserId, "user_id");
  if (otherUserId === userId) {
    throw new Refusal("cannot_target_self", "You cannot block yourself.", { field: "user_id" });
  }
  const ending = (await ctx.partners.partnershipsOf(userId)).find((partnership) =>
    partnership.users.includes(otherUserId),
  );
  await ctx.partners.block(userId, otherUserId, ctx.now());
  if (ending?.roomId) {
    // The block stands whatever Matrix says; a room that cannot be ended now stays as it is.
    await ctx.matrix.endPartnerRoom(ending.roomId, otherUserId).catch((error: unknown) => {
      ctx.logger.warn({ err: error, roomId: ending.roomId }, "could not end the partner room");
    });
  }
}

export async function unblockUser(
  ctx: PartnerContext,
  userId: string,
  otherUserId: string,
): Promise<void> {
  requireUserId(otherUserId, "user");
  await ctx.partners.unblock(userId, otherUserId);
}

export async function listBlocks(ctx: PartnerContext, userId: string) {
  return ctx.partners.blocksOf(userId);
}

/**
 * Files a report for moderators, with the event ids the reporter points at as evidence.
 * @throws Refusal for a bad user id, an empty or long reason, or malformed evidence
 */
export async function reportUser(
  ctx: PartnerContext,
  reporterId: string,
  report: {
    userId: string;
    reason: string;
    eventIds?: readonly string[];
    roomId?: string | undefined;
  },
): Promise<ReportView> {
  requireUserId(report.userId, "user_id");
  if (report.userId === reporterId) {
    throw new Refusal("cannot_target_self", "You cannot report yourself.", { field: "user_id" });
  }
  const reason = report.reason.trim();
  if (reason.length === 0 || reason.length > REPORT_REASON_MAX) {
    throw new Refusal(
      "invalid_report",
      `Say what happened in 1 to ${REPORT_REASON_MAX} characters.`,
      {
        field: "reason",
      },
    );
  }
  const eventIds = [...new Set(report.eventIds ?? [])];
  if (eventIds.length > REPORT_EVIDENCE_MAX) {
    throw new Refusal("invalid_report", `Attach at most ${REPORT_EVIDENCE_MAX} messages.`, {
      field: "event_ids",
    });
  }
  const badEvent = eventIds.findIndex((eventId) => !isMatrixEventId(eventId));
  if (badEvent >= 0) {
    throw new Refusal("invalid_report", `"${eventIds[badEvent]}" is not a Matrix event id.`, {
      field: `event_ids[${badEvent}]`,
    });
  }
  if (report.roomId !== undefined && !isMatrixRoomId(report.roomId)) {
    throw new Refusal("invalid_report", `"${report.roomId}" is not a Matrix room id.`, {
      field: "room_id",
    });
  }
  const record = await ctx.partners.createReport(
    { reporter: reporterId, reported: report.userId, reason, eventIds, roomId: report.roomId },
    ctx.now(),
  );
  ctx.logger.info({ reportId: record.id }, "report filed");
  return record;
}

export async function listReports(ctx: PartnerContext, limit = 200): Promise<ReportView[]> {
  return ctx.partners.listReports(limit);
}
