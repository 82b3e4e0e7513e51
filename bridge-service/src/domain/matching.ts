import {
  sharedMinutes,
  utcOffsetMinutes,
  type WeeklyInterval,
  weeklyUtcIntervals,
} from "./availability.js";
import { languageName, primaryLanguage } from "./languages.js";
import { CEFR_LEVELS, type CefrLevel, type LearningLanguage, type Profile } from "./profiles.js";

export { weeklyOverlapMinutes } from "./availability.js";

/** Nobody is suggested, or can be asked, while holding this many pending incoming requests. */
export const MAX_PENDING_INCOMING = 10;
/** A presence "online" older than this no longer counts as online now. */
export const ONLINE_WINDOW_MS = 10 * 60_000;

export type Presence = "online" | "unavailable" | "offline";

/** What the bridge knows about someone beyond their profile. */
export interface MatchSignals {
  lastActiveAt?: Date | undefined;
  presence?: Presence | undefined;
  presenceAt?: Date | undefined;
  /** Partner requests waiting for their answer. */
  pendingIncoming: number;
}

export interface MatchCandidate {
  profile: Profile;
  signals: MatchSignals;
  /** The partner organisation a directory entry came from; absent for our own learners. */
  organisation?: string | undefined;
}

export interface Suggestion {
  userId: string;
  displayName: string;
  /** 0..1: harmonic mean of both directions times the attention factor. */
  score: number;
  /** Canonical code of the candidate's native language that I learn (the best one). */
  teaches: string;
  /** Canonical code of my native language that they learn (the best one). */
  learns: string;
  /** Their CEFR level in `learns`. */
  learnsLevel: CefrLevel;
  /** Availability overlap, compared in UTC. */
  overlapMinutesPerWeek: number;
  sharedInterests: string[];
  /** Presence "online" seen within ONLINE_WINDOW_MS. */
  online: boolean;
  /** e.g. ["native Spanish, learning English B1", "3 h overlap a week", "both like hiking"] */
  reasons: string[];
  /** reasons.join(" · ") */
  summary: string;
  profile: Profile;
  /** The partner organisation they belong to; undefined for our own learners. */
  organisation?: string | undefined;
}

/**
 * How much each signal counts in one direction of an exchange (they sum to 1). Languages come
 * first; being free at the same time is what turns a match into conversations.
 */
const DIRECTION_WEIGHTS = {
  levelFit: 0.35,
  overlap: 0.25,
  interests: 0.15,
  activity: 0.15,
  presence: 0.1,
} as const;

/** Overlap fit is 1 - e^(-minutes / this): 1 h → 0.63, 3 h → 0.95. */
const OVERLAP_SATURATION_MINUTES = 60;
/** Someone last active a week ago counts half as active as someone active now. */
const ACTIVITY_HALF_LIFE_MS = 7 * 24 * 60 * 60_000;
/** Never seen active (or not for weeks): low, but not nothing, so new learners still show up. */
const UNKNOWN_ACTIVITY = 0.1;
/** The attention factor halves at this many pending incoming requests. */
const PENDING_HALVING = 3;
/**
 * Being ahead in the exchange costs this fraction of what being behind costs: the talk drifts
 * into the language the weaker side speaks, which still suits the stronger one, mostly.
 */
const AHEAD_PENALTY = 0.25;

const LEVEL_SPAN = CEFR_LEVELS.length - 1;

/**
 * True when they are native in a language I learn and I am native in a language they learn.
 * Compares primary subtags: a pt-BR learner matches a pt-PT native.
 */
export function isReciprocal(me: Profile, them: Profile): boolean {
  const speaks = (natives: readonly string[], learning: readonly LearningLanguage[]) =>
    natives.some((native) =>
      learning.some((entry) => primaryLanguage(entry.language) === primaryLanguage(native)),
    );
  return speaks(them.native, me.learning) && speaks(me.native, them.learning);
}

const exchangeKeys = (natives: readonly string[], learnt: readonly string[]) => [
  ...new Set(
    natives.flatMap((native) =>
      learnt.map((code) => `${primaryLanguage(native)}>${primaryLanguage(code)}`),
    ),
  ),
];

/**
 * The exchanges a learner offers, `<native>><learnt>` on primary subtags (`pt>en`). Stored with
 * each profile, they let the database find reciprocal matches with one index lookup:
 * `isReciprocal(me, them)` exactly when `offeredExchanges(them)` meets `soughtExchanges(me)`.
 */
export function offeredExchanges(profile: Pick<Profile, "native" | "learning">): string[] {
  return exchangeKeys(
    profile.native,
    profile.learning.map((entry) => entry.language),
  );
}

/** The exchanges a partner of `profile` would offer: native in what it learns, learning what it speaks. */
export function soughtExchanges(profile: Pick<Profile, "native" | "learning">): string[] {
  return exchangeKeys(
    profile.learning.map((entry) => entry.language),
    profile.native,
  );
}

/**
 * Suggested partners for `me`, best first. Drops myself, people who are not discoverable, not
 * reciprocal, in `excludedUserIds` (blocked, connected, already asked) or holding
 * MAX_PENDING_INCOMING requests.
 *
 * Each direction, what I get from them and what they get from me, scores 0..1 as a weighted
 * sum (DIRECTION_WEIGHTS) of level fit, weekly overlap, shared interests and the other side's
 * recent activity and presence. The harmonic mean of the two keeps one-sided pairs low; an
 * attention factor 1 / (1 + pending / 3) spreads requests away from people who already have many.
 */
export function rankCandidates(
  me: MatchCandidate,
  candidates: readonly MatchCandidate[],
  options: { now: Date; limit: number; excludedUserIds?: ReadonlySet<string> },
): Suggestion[] {
  const { now, limit, excludedUserIds } = options;
  if (limit <= 0) return [];
  const mine = mySide(me, now);
  const offsets = new Map<string, number>();
  const offsetOf = (zone: string): number => {
    let offset = offsets.get(zone);
    if (offset === undefined) {
      offset = utcOffsetMinutes(zone, now);
      offsets.set(zone, offset);
    }
    return offset;
  };

  const scored: ScoredCandidate[] = [];
  for (const candidate of candidates) {
    const them = candidate.profile;
    if (them.userId === me.profile.userId || !them.discoverable) continue;
    if (excludedUserIds?.has(them.userId)) continue;
    if (candidate.signals.pendingIncoming >= MAX_PENDING_INCOMING) continue;
    const pair = bestLanguagePair(mine, them);
    if (!pair) continue;

    const theirIntervals = weeklyUtcIntervals(them.availability, offsetOf(them.timezone));
    const overlapMinutes = sharedMinutes(mine.intervals, theirIntervals);
    const interests = me.profile.interests.filter((interest) => them.interests.includes(interest));
    const shared =
      DIRECTION_WEIGHTS.overlap * overlapFit(overlapMinutes) +
      DIRECTION_WEIGHTS.interests * interestFit(interests.length);
    const whatIGet =
      DIRECTION_WEIGHTS.levelFit * pair.fitForMe + shared + engagement(candidate.signals, now);
    const whatTheyGet = DIRECTION_WEIGHTS.levelFit * pair.fitForThem + shared + mine.engagement;
    const score =
      harmonicMean(whatIGet, whatTheyGet) * attentionFactor(candidate.signals.pendingIncoming);
    scored.push({ candidate, pair, score, overlapMinutes, interests });
  }

  scored.sort(
    (a, b) =>
      b.score - a.score ||
      compareCodePoints(a.candidate.profile.userId, b.candidate.profile.userId),
  );
  // Reasons name languages, which is slower than scoring: only for the ones returned.
  return scored.slice(0, limit).map((entry) => toSuggestion(entry, now));
}

interface MySide {
  /** My learning entries by primary subtag (pt-BR and pt-PT may both be there). */
  learningByPrimary: Map<string, LearningLanguage[]>;
  nativeByPrimary: Map<string, string[]>;
  intervals: WeeklyInterval[];
  /** My activity and presence, as they count in what the other side gets. */
  engagement: number;
}

/** The languages two people would exchange, and how well their levels suit each side. */
interface LanguagePair {
  teaches: string;
  learns: string;
  theirLearning: LearningLanguage;
  fitForMe: number;
  fitForThem: number;
}

interface ScoredCandidate {
  candidate: MatchCandidate;
  pair: LanguagePair;
  score: number;
  overlapMinutes: number;
  interests: string[];
}

function mySide(me: MatchCandidate, now: Date): MySide {
  const learningByPrimary = new Map<string, LearningLanguage[]>();
  for (const entry of me.profile.learning) {
    pushTo(learningByPrimary, primaryLanguage(entry.language), entry);
  }
  const nativeByPrimary = new Map<string, string[]>();
  for (const native of me.profile.native) pushTo(nativeByPrimary, primaryLanguage(native), native);
  return {
    learningByPrimary,
    nativeByPrimary,
    intervals: weeklyUtcIntervals(
      me.profile.availability,
      utcOffsetMinutes(me.profile.timezone, now),
    ),
    engagement: engagement(me.signals, now),
  };
}

/**
 * Of every (their native I learn) × (my native they learn) combination, the one whose levels
 * are most balanced; on a tie, exact tags (pt-BR for pt-BR) beat same-language ones, then
 * list order. Undefined when the two are not reciprocal.
 */
function bestLanguagePair(mine: MySide, them: Profile): LanguagePair | undefined {
  let best: { pair: LanguagePair; balance: number; exact: number } | undefined;
  for (const teaches of them.native) {
    for (const myLearning of mine.learningByPrimary.get(primaryLanguage(teaches)) ?? []) {
      for (const theirLearning of them.learning) {
        for (const learns of mine.nativeByPrimary.get(primaryLanguage(theirLearning.language)) ??
          []) {
          const { fitForMe, fitForThem } = levelFit(myLearning.level, theirLearning.level);
          const balance = harmonicMean(fitForMe, fitForThem);
          const exact =
            Number(teaches === myLearning.language) + Number(learns === theirLearning.language);
          if (!best || balance > best.balance || (balance === best.balance && exact > best.exact)) {
            best = {
              pair: { teaches, learns, theirLearning, fitForMe, fitForThem },
              balance,
              exact,
            };
          }
        }
      }
    }
  }
  return best?.pair;
}

/**
 * How well the levels suit each side, 0..1. If they speak my language much better than I speak
 * theirs, our talk drifts into my language: they practise, I do not. So the side behind loses
 * the full level gap, the side ahead a quarter of it.
 */
function levelFit(
  myLevel: CefrLevel,
  theirLevel: CefrLevel,
): { fitForMe: number; fitForThem: number } {
  const gap = CEFR_LEVELS.indexOf(theirLevel) - CEFR_LEVELS.indexOf(myLevel);
  const theyAreAhead = Math.max(0, gap);
  const iAmAhead = Math.max(0, -gap);
  return {
    fitForMe: 1 - (theyAreAhead + AHEAD_PENALTY * iAmAhead) / LEVEL_SPAN,
    fitForThem: 1 - (iAmAhead + AHEAD_PENALTY * theyAreAhead) / LEVEL_SPAN,
  };
}

function overlapFit(minutes: number): number {
  return 1 - Math.exp(-minutes / OVERLAP_SATURATION_MINUTES);
}

/** 1 shared interest → 0.5, 2 → 0.75, 3 → 0.875: a few are what matter. */
function interestFit(count: number): number {
  return 1 - 0.5 ** count;
}

/** The activity and presence part of one direction: how likely they are to answer. */
function engagement(signals: MatchSignals, now: Date): number {
  return (
    DIRECTION_WEIGHTS.activity * activityFit(signals.lastActiveAt, now) +
    DIRECTION_WEIGHTS.presence * presenceFit(signals, now)
  );
}

function activityFit(lastActiveAt: Date | undefined, now: Date): number {
  if (!lastActiveAt) return UNKNOWN_ACTIVITY;
  const age = Math.max(0, now.getTime() - lastActiveAt.getTime());
  return Math.max(UNKNOWN_ACTIVITY, 0.5 ** (age / ACTIVITY_HALF_LIFE_MS));
}

/** Online now 1, around lately (unavailable, or online but not heard of since) 0.5, else 0. */
function presenceFit(signals: MatchSignals, now: Date): number {
  if (isOnline(signals, now)) return 1;
  if (signals.presence === "online" || signals.presence === "unavailable") return 0.5;
  return 0;
}

function isOnline(signals: MatchSignals, now: Date): boolean {
  return (
    signals.presence === "online" &&
    signals.presenceAt !== undefined &&
    now.getTime() - signals.presenceAt.getTime() <= ONLINE_WINDOW_MS
  );
}

function attentionFactor(pendingIncoming: number): number {
  return 1 / (1 + Math.max(0, pendingIncoming) / PENDING_HALVING);
}

function harmonicMean(a: number, b: number): number {
  return a + b > 0 ? (2 * a * b) / (a + b) : 0;
}

function toSuggestion(entry: ScoredCandidate, now: Date): Suggestion {
  const { candidate, pair, score, overlapMinutes, interests } = entry;
  const online = isOnline(candidate.signals, now);
  const reasons = [
    `native ${languageName(pair.teaches)}, learning ${languageName(pair.theirLearning.language)} ${pair.theirLearning.level}`,
  ];
  if (candidate.organisation !== undefined) reasons.push(`from ${candidate.organisation}`);
  if (overlapMinutes > 0) reasons.push(`${describeDuration(overlapMinutes)} overlap a week`);
  if (interests.length > 0) reasons.push(`both like ${listInterests(interests)}`);
  if (online) reasons.push("online now");
  return {
    userId: candidate.profile.userId,
    displayName: candidate.profile.displayName,
    score,
    teaches: pair.teaches,
    learns: pair.learns,
    learnsLevel: pair.theirLearning.level,
    overlapMinutesPerWeek: overlapMinutes,
    sharedInterests: interests,
    online,
    reasons,
    summary: reasons.join(" · "),
    profile: candidate.profile,
    organisation: candidate.organisation,
  };
}

function describeDuration(minutes: number): string {
  return minutes >= 60 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
}

/** "hiking", "hiking and jazz", "hiking, jazz and chess", "hiking, jazz and 2 more". */
function listInterests(interests: readonly string[]): string {
  if (interests.length === 1) return interests[0] ?? "";
  if (interests.length <= 3) {
    return `${interests.slice(0, -1).join(", ")} and ${interests.at(-1)}`;
  }
  return `${interests.slice(0, 2).join(", ")} and ${interests.length - 2} more`;
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
