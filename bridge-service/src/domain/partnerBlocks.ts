// Blocks: no suggestions or requests either way, and an end to the partnership.
import type { PartnerContext } from "./partnerContext.js";
import { requireUserId } from "./partnerPeople.js";
import { Refusal } from "./refusal.js";

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
  await ctx.orgRequests?.blocked(userId, otherUserId);
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
  await ctx.orgRequests?.unblocked(userId, otherUserId);
}

export async function listBlocks(ctx: PartnerContext, userId: string) {
  return ctx.partners.blocksOf(userId);
}
