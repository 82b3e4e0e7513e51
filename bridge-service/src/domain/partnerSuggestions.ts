// Partner suggestions: the reciprocal candidates the store finds, ranked by matching.ts.
import {
  type MatchCandidate,
  rankCandidates,
  type Suggestion,
  soughtExchanges,
} from "./matching.js";
import type { PartnerContext } from "./partnerContext.js";
import { requireCompleteProfile, requireProfile } from "./partnerProfiles.js";

/** How many reciprocal candidates, most recently active first, are scored per request. */
export const CANDIDATE_POOL = 200;

import { MAX_SUGGESTIONS } from "@xstream/contract/limits";

export { MAX_SUGGESTIONS };

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
  const [me, excludedHere, signals, banned] = await Promise.all([
    requireProfile(ctx, userId),
    ctx.partners.excludedFor(userId),
    ctx.profiles.signalsOf(userId),
    ctx.localBans?.() ?? new Set<string>(),
  ]);
  requireCompleteProfile(me);
  const excluded = banned.size > 0 ? new Set([...excludedHere, ...banned]) : excludedHere;
  const [local, remote] = await Promise.all([
    ctx.profiles.findCandidates(
      soughtExchanges(me),
      new Set([me.userId, ...excluded]),
      CANDIDATE_POOL,
    ),
    ctx.remoteLearners?.findCandidates(me, excluded, CANDIDATE_POOL) ?? [],
  ]);
  // A partner organisation's learner who also talks to our bot has a profile here: that one counts.
  const localIds = new Set(local.map((candidate) => candidate.profile.userId));
  const candidates = [
    ...local,
    ...remote.filter((candidate) => !localIds.has(candidate.profile.userId)),
  ];
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
