// Learners' language profiles: reading, changing (the bot one part at a time, the web form whole),
// display names and publishing on Matrix.
import { validateDisplayName } from "./accountRules.js";
import { offeredExchanges } from "./matching.js";
import { isMatrixUserId } from "./matrixIds.js";
import type { PartnerContext } from "./partnerContext.js";
import { localpartOf } from "./partnerPeople.js";
import {
  emptyProfileInput,
  type Profile,
  type ProfileInput,
  validateProfileInput,
} from "./profiles.js";
import { Refusal } from "./refusal.js";

/** The profile or a refusal telling the learner to create one. */
export async function requireProfile(ctx: PartnerContext, userId: string): Promise<Profile> {
  const profile = await ctx.profiles.get(userId);
  if (!profile) {
    throw new Refusal("profile_missing", "Set up your language profile first.");
  }
  return profile;
}

export function requireCompleteProfile(profile: Profile): void {
  if (profile.native.length === 0 || profile.learning.length === 0) {
    throw new Refusal(
      "profile_incomplete",
      "Add a native language and a language you are learning first.",
    );
  }
}

export async function getProfile(
  ctx: PartnerContext,
  userId: string,
): Promise<Profile | undefined> {
  return ctx.profiles.get(userId);
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
