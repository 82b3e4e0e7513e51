// Partner rooms: the direct room the bot creates for each partnership, retried until it exists.
import type { PartnershipRecord } from "../store/partnerStore.js";
import { primaryLanguage } from "./languages.js";
import type { PartnerContext } from "./partnerContext.js";
import { requireProfile } from "./partnerProfiles.js";
import type { Profile } from "./profiles.js";

/** A room creation that has not finished after this long is assumed dead and retried. */
export const ROOM_CREATION_STALE_MS = 2 * 60_000;

/**
 * Creates the pair's direct room unless it exists or another attempt is under way; returns the
 * room id, or null if it could not be created now (`createMissingPartnerRooms` retries).
 */
export async function ensurePartnerRoom(
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
      partyOf(ctx, requesterId),
      partyOf(ctx, recipientId),
    ]);
    const roomId = await ctx.matrix.createPartnerRoom({
      requester,
      recipient,
      requesterLearns: exchangedLanguage(requester, recipient),
      recipientLearns: exchangedLanguage(recipient, requester),
    });
    await ctx.partners.setPartnershipRoom(partnership.users, roomId);
    await ctx.orgRequests?.roomReady(partnership.requestId, requesterId, roomId);
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

/** One of the pair: our learner, or a partner organisation's whose request we accepted. */
async function partyOf(ctx: PartnerContext, userId: string): Promise<Profile> {
  return (
    (await ctx.profiles.get(userId)) ??
    (await ctx.orgRequests?.personOf(userId)) ??
    requireProfile(ctx, userId)
  );
}

/** The language `learner` learns that `teacher` speaks natively, with the learner's level. */
function exchangedLanguage(learner: Profile, teacher: Profile) {
  const teaches = new Set(teacher.native.map(primaryLanguage));
  return learner.learning.find((entry) => teaches.has(primaryLanguage(entry.language)));
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
