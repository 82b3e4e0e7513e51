import { describe, expect, it } from "vitest";
import {
  isReciprocal,
  MAX_PENDING_INCOMING,
  type MatchCandidate,
  type MatchSignals,
  ONLINE_WINDOW_MS,
  offeredExchanges,
  rankCandidates,
  type Suggestion,
  soughtExchanges,
  weeklyOverlapMinutes,
} from "./matching.js";
import type { AvailabilityWindow, Profile, ProfileInput } from "./profiles.js";

// A Wednesday in winter: Madrid is UTC+1, New York UTC-5.
const now = new Date("2025-01-15T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const daysAgo = (days: number) => minutesAgo(days * 24 * 60);
const onlineNow: Partial<MatchSignals> = { presence: "online", presenceAt: now };

function profile(userId: string, fields: Partial<ProfileInput> = {}): Profile {
  return {
    userId,
    displayName: userId.slice(1, userId.indexOf(":")),
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: [],
    timezone: "UTC",
    availability: [],
    bio: "",
    discoverable: true,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

function candidate(
  userId: string,
  fields: Partial<ProfileInput> = {},
  signals: Partial<MatchSignals> = {},
): MatchCandidate {
  return { profile: profile(userId, fields), signals: { pendingIncoming: 0, ...signals } };
}

/** An English speaker learning Spanish at B1, with no schedule, interests or activity. */
function learner(fields: Partial<ProfileInput> = {}, signals: Partial<MatchSignals> = {}) {
  return candidate(
    "@me:x",
    { native: ["en"], learning: [{ language: "es", level: "B1" }], ...fields },
    signals,
  );
}

function rank(
  me: MatchCandidate,
  candidates: readonly MatchCandidate[],
  options: { limit?: number; excludedUserIds?: ReadonlySet<string> } = {},
): Suggestion[] {
  return rankCandidates(me, candidates, { now, limit: 20, ...options });
}

const ids = (suggestions: readonly Suggestion[]) => suggestions.map((s) => s.userId);

function only(suggestions: readonly Suggestion[]): Suggestion {
  expect(suggestions).toHaveLength(1);
  return suggestions[0] as Suggestion;
}

/** UTC Monday 18:00 plus `hours`: the overlap with a learner free Mondays 18:00–22:00 UTC. */
function mondayFrom18(hours: number): AvailabilityWindow[] {
  const end = 18 * 60 + hours * 60;
  const hh = String(Math.floor(end / 60)).padStart(2, "0");
  const mm = String(end % 60).padStart(2, "0");
  return [{ day: 0, start: "18:00", end: `${hh}:${mm}` }];
}
const mondayEvening: AvailabilityWindow[] = [{ day: 0, start: "18:00", end: "22:00" }];

describe("isReciprocal", () => {
  const me = learner().profile;

  it("needs them to teach a language I learn and to learn one I teach", () => {
    expect(isReciprocal(me, profile("@ana:x"))).toBe(true);
    expect(isReciprocal(profile("@ana:x"), me)).toBe(true);
  });

  it("is false when only one direction works", () => {
    const learnsFrench = profile("@ana:x", { learning: [{ language: "fr", level: "B1" }] });
    const nativeFrench = profile("@ana:x", { native: ["fr"] });
    expect(isReciprocal(me, learnsFrench)).toBe(false);
    expect(isReciprocal(me, nativeFrench)).toBe(false);
  });

  it("compares primary subtags, so regional variants match", () => {
    const brazilLearner = profile("@me:x", {
      native: ["en-GB"],
      learning: [{ language: "pt-BR", level: "A2" }],
    });
    const lisbon = profile("@rui:x", {
      native: ["pt-PT"],
      learning: [{ language: "en-US", level: "B1" }],
    });
    expect(isReciprocal(brazilLearner, lisbon)).toBe(true);
  });

  it("finds the match among several languages on each side", () => {
    const polyglot = profile("@me:x", {
      native: ["de", "en"],
      learning: [
        { language: "ja", level: "A1" },
        { language: "es", level: "B1" },
      ],
    });
    const them = profile("@ana:x", {
      native: ["fr", "es"],
      learning: [
        { language: "it", level: "A1" },
        { language: "en", level: "C1" },
      ],
    });
    expect(isReciprocal(polyglot, them)).toBe(true);
  });
});

describe("rankCandidates: who is left out", () => {
  const me = learner();

  it("leaves out myself", () => {
    expect(ids(rank(me, [me, candidate("@ana:x")]))).toEqual(["@ana:x"]);
  });

  it("leaves out people who are not discoverable", () => {
    const hidden = candidate("@hid:x", { discoverable: false });
    expect(ids(rank(me, [hidden, candidate("@ana:x")]))).toEqual(["@ana:x"]);
  });

  it("leaves out people who are not a match both ways", () => {
    const learnsGerman = candidate("@bob:x", { learning: [{ language: "de", level: "A1" }] });
    const nativeItalian = candidate("@ida:x", { native: ["it"] });
    expect(ids(rank(me, [learnsGerman, nativeItalian, candidate("@ana:x")]))).toEqual(["@ana:x"]);
  });

  it("leaves out the ids the caller excludes", () => {
    const suggestions = rank(me, [candidate("@ana:x"), candidate("@bea:x")], {
      excludedUserIds: new Set(["@ana:x"]),
    });
    expect(ids(suggestions)).toEqual(["@bea:x"]);
  });

  it(`leaves out people holding ${MAX_PENDING_INCOMING} pending requests, not ${MAX_PENDING_INCOMING - 1}`, () => {
    const full = candidate("@full:x", {}, { pendingIncoming: MAX_PENDING_INCOMING });
    const almost = candidate("@almost:x", {}, { pendingIncoming: MAX_PENDING_INCOMING - 1 });
    expect(MAX_PENDING_INCOMING).toBe(10);
    expect(ids(rank(me, [full, almost]))).toEqual(["@almost:x"]);
  });
});

describe("rankCandidates: scores", () => {
  it("scores one plain match by hand", () => {
    // What I get: level 0.35 + their activity 0.15 + their presence 0.10 = 0.6.
    // What they get: level 0.35 + my unknown activity 0.15 × 0.1 = 0.365.
    // Harmonic mean: 2 × 0.6 × 0.365 / 0.965.
    const ana = candidate("@ana:x", {}, { lastActiveAt: now, ...onlineNow });
    expect(only(rank(learner(), [ana])).score).toBeCloseTo((2 * 0.6 * 0.365) / 0.965, 10);
  });

  it("ranks people with more pending requests lower, in proportion", () => {
    const withPending = (userId: string, pendingIncoming: number) =>
      candidate(`@${userId}:x`, {}, { lastActiveAt: now, pendingIncoming });
    const suggestions = rank(learner(), [
      withPending("p9", 9),
      withPending("p0", 0),
      withPending("p3", 3),
    ]);
    expect(ids(suggestions)).toEqual(["@p0:x", "@p3:x", "@p9:x"]);
    const [p0, p3, p9] = suggestions.map((s) => s.score) as [number, number, number];
    expect(p3 / p0).toBeCloseTo(1 / 2, 10);
    expect(p9 / p0).toBeCloseTo(1 / 4, 10);
  });

  it("puts a pair weak in one direction below a pair moderate in both", () => {
    // I am C2 in Spanish and have been silent. Lopsided speaks English at A1, so our talk would
    // be all Spanish: great for me (what I get ≈ 0.88), little for them (≈ 0.38). Balanced is
    // C2 in English, equally quiet: 0.60 both ways. The arithmetic mean would prefer Lopsided
    // (0.63 > 0.60); the harmonic mean does not (0.53 < 0.60).
    const me = learner({
      learning: [{ language: "es", level: "C2" }],
      interests: ["hiking", "jazz", "chess"],
      availability: mondayEvening,
    });
    const lopsided = candidate(
      "@lopsided:x",
      {
        learning: [{ language: "en", level: "A1" }],
        interests: ["chess", "jazz", "hiking"],
        availability: mondayFrom18(3),
      },
      { lastActiveAt: now, ...onlineNow },
    );
    const balanced = candidate("@balanced:x", {
      learning: [{ language: "en", level: "C2" }],
      availability: mondayFrom18(3),
    });
    const suggestions = rank(me, [lopsided, balanced]);
    expect(ids(suggestions)).toEqual(["@balanced:x", "@lopsided:x"]);

    const overlap = 0.25 * (1 - Math.exp(-3));
    const balancedEachWay = 0.35 + overlap + 0.015;
    const iGetFromLopsided = 0.35 * 0.75 + overlap + 0.15 * 0.875 + 0.25;
    const lopsidedGetsFromMe = 0 + overlap + 0.15 * 0.875 + 0.015;
    expect(suggestions[0]?.score).toBeCloseTo(balancedEachWay, 10);
    expect(suggestions[1]?.score).toBeCloseTo(
      (2 * iGetFromLopsided * lopsidedGetsFromMe) / (iGetFromLopsided + lopsidedGetsFromMe),
      10,
    );
  });

  it("ranks a mixed bunch in the expected order", () => {
    // Me: free Monday–Thursday 19:00–21:00 in Madrid (18:00–20:00 UTC), online now.
    const evenings = ([0, 1, 2, 3] as const).map((day) => ({ day, start: "19:00", end: "21:00" }));
    const me = learner(
      { timezone: "Europe/Madrid", availability: evenings, interests: ["hiking", "jazz"] },
      { lastActiveAt: now, ...onlineNow },
    );
    const ana = {
      timezone: "Europe/Madrid",
      availability: evenings,
      interests: ["jazz", "hiking"],
    };
    const candidates = [
      // No schedule, no interests, never seen: the languages alone.
      candidate("@carlos:x"),
      // As good as Ana on paper, but nine people are already waiting on her answer.
      candidate("@fer:x", ana, { lastActiveAt: daysAgo(1), ...onlineNow, pendingIncoming: 9 }),
      // 8 h overlap, two shared interests, active yesterday, online.
      candidate("@ana:x", ana, { lastActiveAt: daysAgo(1), ...onlineNow }),
      // A step ahead in English, 2 h overlap, around lately.
      candidate(
        "@bea:x",
        { learning: [{ language: "en", level: "B2" }], availability: mondayFrom18(2) },
        { lastActiveAt: daysAgo(3), presence: "unavailable", presenceAt: minutesAgo(30) },
      ),
      // Mexican Spanish for my Spanish, 2 h overlap from New York, one shared interest, quieter.
      candidate(
        "@dani:x",
        {
          native: ["es-MX"],
          learning: [{ language: "en-US", level: "B1" }],
          timezone: "America/New_York",
          availability: [{ day: 0, start: "13:00", end: "15:00" }],
          interests: ["hiking"],
        },
        { lastActiveAt: daysAgo(10), presence: "offline", presenceAt: minutesAgo(5) },
      ),
      // Native French: nothing I learn.
      candidate("@eve:x", { native: ["fr"] }, { lastActiveAt: now, ...onlineNow }),
    ];
    expect(ids(rank(me, candidates))).toEqual([
      "@ana:x",
      "@dani:x",
      "@bea:x",
      "@carlos:x",
      "@fer:x",
    ]);
    expect(ids(rank(me, candidates, { limit: 2 }))).toEqual(["@ana:x", "@dani:x"]);
    expect(rank(me, candidates, { limit: 0 })).toEqual([]);
  });

  it("prefers someone recently active over someone long gone, and that over never seen", () => {
    const suggestions = rank(learner(), [
      candidate("@never:x"),
      candidate("@month:x", {}, { lastActiveAt: daysAgo(30) }),
      candidate("@week:x", {}, { lastActiveAt: daysAgo(7) }),
      candidate("@today:x", {}, { lastActiveAt: minutesAgo(60) }),
    ]);
    // A month ago has decayed to the floor of never seen: the two tie and go by user id.
    expect(ids(suggestions)).toEqual(["@today:x", "@week:x", "@month:x", "@never:x"]);
    expect(suggestions[2]?.score).toBe(suggestions[3]?.score);
  });

  it("prefers online over unavailable over offline", () => {
    const suggestions = rank(learner(), [
      candidate("@off:x", {}, { presence: "offline", presenceAt: now }),
      candidate("@away:x", {}, { presence: "unavailable", presenceAt: now }),
      candidate("@on:x", {}, onlineNow),
    ]);
    expect(ids(suggestions)).toEqual(["@on:x", "@away:x", "@off:x"]);
  });

  it("breaks ties by user id", () => {
    const suggestions = rank(learner(), [candidate("@b:x"), candidate("@a:x"), candidate("@c:x")]);
    expect(ids(suggestions)).toEqual(["@a:x", "@b:x", "@c:x"]);
  });

  it("keeps every score between 0 and 1", () => {
    const perfect = candidate(
      "@ana:x",
      { availability: mondayEvening, interests: ["a", "b", "c", "d", "e"] },
      { lastActiveAt: now, ...onlineNow },
    );
    const me = learner(
      { availability: mondayEvening, interests: ["a", "b", "c", "d", "e"] },
      { lastActiveAt: now, ...onlineNow },
    );
    const score = only(rank(me, [perfect])).score;
    expect(score).toBeGreaterThan(0.98);
    expect(score).toBeLessThanOrEqual(1);
  });
});

describe("rankCandidates: the language pair", () => {
  it("picks the pair with the most balanced levels", () => {
    const me = learner({
      learning: [
        { language: "es", level: "A1" },
        { language: "fr", level: "B2" },
      ],
    });
    const both = candidate("@ana:x", {
      native: ["es", "fr"],
      learning: [{ language: "en", level: "B2" }],
    });
    const suggestion = only(rank(me, [both]));
    expect(suggestion).toMatchObject({ teaches: "fr", learns: "en", learnsLevel: "B2" });
    expect(suggestion.reasons[0]).toBe("native French, learning English B2");
  });

  it("reports each side's own tags when matching across regional variants", () => {
    const me = learner({ native: ["en-GB"], learning: [{ language: "pt-BR", level: "B1" }] });
    const rui = candidate("@rui:x", {
      native: ["pt-PT"],
      learning: [{ language: "en-US", level: "A2" }],
    });
    const suggestion = only(rank(me, [rui]));
    expect(suggestion).toMatchObject({ teaches: "pt-PT", learns: "en-GB", learnsLevel: "A2" });
    expect(suggestion.reasons).toEqual([
      "native European Portuguese, learning American English A2",
    ]);
  });

  it("prefers the exact regional tag when levels tie", () => {
    const me = learner({ native: ["en-GB", "en-US"], learning: [{ language: "es", level: "B1" }] });
    const ana = candidate("@ana:x", { learning: [{ language: "en-US", level: "B1" }] });
    expect(only(rank(me, [ana])).learns).toBe("en-US");
  });
});

describe("rankCandidates: reasons", () => {
  const me = learner(
    { availability: mondayEvening, interests: ["hiking", "jazz", "chess", "film"] },
    { lastActiveAt: now },
  );

  it("names the exchange, the overlap, shared interests and presence", () => {
    const ana = candidate(
      "@ana:x",
      { availability: mondayFrom18(3), interests: ["film", "chess", "jazz", "hiking", "golf"] },
      onlineNow,
    );
    const suggestion = only(rank(me, [ana]));
    expect(suggestion.reasons).toEqual([
      "native Spanish, learning English B1",
      "3 h overlap a week",
      "both like hiking, jazz and 2 more",
      "online now",
    ]);
    expect(suggestion.summary).toBe(
      "native Spanish, learning English B1 · 3 h overlap a week · both like hiking, jazz and 2 more · online now",
    );
    expect(suggestion).toMatchObject({
      userId: "@ana:x",
      displayName: "ana",
      teaches: "es",
      learns: "en",
      learnsLevel: "B1",
      overlapMinutesPerWeek: 180,
      sharedInterests: ["hiking", "jazz", "chess", "film"],
      online: true,
    });
    expect(suggestion.profile).toBe(ana.profile);
  });

  it("gives short overlaps in minutes and rounds longer ones to hours", () => {
    const reasonsWith = (availability: AvailabilityWindow[]) =>
      only(rank(me, [candidate("@ana:x", { availability })])).reasons;
    expect(reasonsWith(mondayFrom18(0.75))).toEqual([
      "native Spanish, learning English B1",
      "45 min overlap a week",
    ]);
    expect(reasonsWith(mondayFrom18(1))[1]).toBe("1 h overlap a week");
    expect(reasonsWith(mondayFrom18(1.5))[1]).toBe("2 h overlap a week");
    expect(reasonsWith(mondayFrom18(1.25))[1]).toBe("1 h overlap a week");
  });

  it("lists one, two or three shared interests by name", () => {
    const interestsWith = (interests: string[]) =>
      only(rank(me, [candidate("@ana:x", { interests })])).reasons.slice(1);
    expect(interestsWith(["jazz"])).toEqual(["both like jazz"]);
    expect(interestsWith(["jazz", "hiking"])).toEqual(["both like hiking and jazz"]);
    expect(interestsWith(["film", "jazz", "hiking"])).toEqual(["both like hiking, jazz and film"]);
    expect(interestsWith(["golf"])).toEqual([]);
  });

  it(`counts as online only within ${ONLINE_WINDOW_MS / 60_000} minutes of the presence`, () => {
    const seen = (presenceAt: Date, presence: MatchSignals["presence"] = "online") =>
      only(rank(me, [candidate("@ana:x", {}, { presence, presenceAt })]));
    expect(seen(minutesAgo(10)).online).toBe(true);
    expect(seen(minutesAgo(10)).reasons.at(-1)).toBe("online now");
    expect(seen(minutesAgo(11)).online).toBe(false);
    expect(seen(minutesAgo(11)).reasons).toEqual(["native Spanish, learning English B1"]);
    expect(seen(now, "unavailable").online).toBe(false);
  });

  it("uses the same overlap as weeklyOverlapMinutes", () => {
    const madrid = learner({
      timezone: "Europe/Madrid",
      availability: [{ day: 4, start: "20:00", end: "23:00" }],
    });
    const newYork = candidate("@ana:x", {
      timezone: "America/New_York",
      availability: [{ day: 4, start: "15:30", end: "18:00" }],
    });
    // Madrid Friday 19:00–22:00 UTC, New York Friday 20:30–23:00 UTC.
    expect(weeklyOverlapMinutes(madrid.profile, newYork.profile, now)).toBe(90);
    expect(only(rank(madrid, [newYork])).overlapMinutesPerWeek).toBe(90);
  });
});

describe("exchange keys", () => {
  const people = [
    profile("@a:x", { native: ["es"], learning: [{ language: "en", level: "B1" }] }),
    profile("@b:x", { native: ["en-GB"], learning: [{ language: "es", level: "A2" }] }),
    profile("@c:x", { native: ["en", "fr"], learning: [{ language: "pt-BR", level: "C1" }] }),
    profile("@d:x", { native: ["pt-PT"], learning: [{ language: "fr", level: "B2" }] }),
    profile("@e:x", {
      native: ["de"],
      learning: [
        { language: "en", level: "A1" },
        { language: "es", level: "B1" },
      ],
    }),
    profile("@f:x", { native: ["es"], learning: [] }),
  ];

  it("names each offered exchange on primary subtags", () => {
    expect(offeredExchanges(people[2] as Profile)).toEqual(["en>pt", "fr>pt"]);
    expect(soughtExchanges(people[2] as Profile)).toEqual(["pt>en", "pt>fr"]);
  });

  it("meet exactly when the two profiles are reciprocal", () => {
    for (const me of people) {
      for (const them of people) {
        const sought = new Set(soughtExchanges(me));
        const meets = offeredExchanges(them).some((key) => sought.has(key));
        expect(meets, `${me.userId} and ${them.userId}`).toBe(isReciprocal(me, them));
      }
    }
    // The set is not trivially all-false: these pairs do match.
    expect(isReciprocal(people[0] as Profile, people[1] as Profile)).toBe(true);
    expect(isReciprocal(people[2] as Profile, people[3] as Profile)).toBe(true);
  });
});
