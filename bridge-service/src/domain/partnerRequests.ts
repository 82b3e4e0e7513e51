// Partner requests and the partnerships they become.
import { isReciprocal, MAX_PENDING_INCOMING } from "./matching.js";
import type { PartnerContext, PartnerRequestView, PartnershipView } from "./partnerContext.js";
import { partnershipView, peopleByUserId, requestView, requireUserId } from "./partnerPeople.js";
import { requireCompleteProfile, requireProfile } from "./partnerProfiles.js";
import { ensurePartnerRoom } from "./partnerRooms.js";
import { Refusal } from "./refusal.js";

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isRequestId = (id: string) => REQUEST_ID.test(id);

// Unknown, malformed, already decided and someone else's requests all look the same.
const noSuchRequest = () =>
  new Refusal("request_not_found", "There is no open request with this id for you.");

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
  const them = (await ctx.profiles.get(toUserId)) ?? (await ctx.orgRequests?.askable(toUserId));
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
  await ctx.orgRequests?.requested(result.request, me);
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

export async function declineRequest(
  ctx: PartnerContext,
  userId: string,
  requestId: string,
): Promise<PartnerRequestView> {
  const declined = isRequestId(requestId)
    ? await ctx.partners.declineRequest(requestId, userId, ctx.now())
    : undefined;
  if (!declined) throw noSuchRequest();
  await ctx.orgRequests?.declined(declined);
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
