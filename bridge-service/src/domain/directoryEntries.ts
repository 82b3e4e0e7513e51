// What one organisation publishes about an opted-in learner in its directory room, and the rule
// by which a partner's bridge decides whether to believe an `org.xstream.learner` state event.
// Pure: no Matrix client, no database.
import { validateDisplayName } from "./accountRules.js";
import type { MatchCandidate } from "./matching.js";
import { isMatrixUserId, serverNameOf } from "./matrixIds.js";
import {
  type AvailabilityWindow,
  type LearningLanguage,
  PROFILE_LIMITS,
  type Profile,
  validateProfileInput,
  type Weekday,
} from "./profiles.js";

/** The state event type of one learner's entry. */
export const LEARNER_EVENT_TYPE = "org.xstream.learner";
/** State keys starting with `@` must equal the sender, so entries are keyed `learner:@ana:a.example`. */
export const LEARNER_STATE_PREFIX = "learner:";
/** `m.room.create` content `type` of a directory room. */
export const DIRECTORY_ROOM_TYPE = "org.xstream.directory";
/** Localpart of every organisation's directory room alias: `#xstream_directory:<server>`. */
export const DIRECTORY_ALIAS_LOCALPART = "xstream_directory";

/** A partner organisation's learner, as its bot published them. */
export interface DirectoryEntry {
  userId: string;
  /** The learner's (and the publishing bot's) server. */
  serverName: string;
  displayName: string;
  native: string[];
  learning: LearningLanguage[];
  interests: string[];
  timezone: string;
  availability: AvailabilityWindow[];
  updatedAt: Date;
}

/** A directory entry ready for ranking, with the name of the organisation it came from. */
export interface RemoteCandidate extends MatchCandidate {
  organisation: string;
}

/** The content of an entry: only what matching needs. */
export interface LearnerEntryContent {
  display_name: string;
  native: string[];
  learning: LearningLanguage[];
  interests: string[];
  timezone: string;
  availability: AvailabilityWindow[];
  /** Milliseconds since the epoch: the profile version this entry shows. */
  updated_at: number;
}

export const learnerStateKey = (userId: string) => `${LEARNER_STATE_PREFIX}${userId}`;
export const directoryAlias = (serverName: string) => `#${DIRECTORY_ALIAS_LOCALPART}:${serverName}`;

/** The entry a learner's profile publishes (no bio, no activity, nothing else). */
export function learnerEntryContent(profile: Profile): LearnerEntryContent {
  return {
    display_name: profile.displayName,
    native: profile.native,
    learning: profile.learning.map(({ language, level }) => ({ language, level })),
    interests: profile.interests,
    timezone: profile.timezone,
    availability: profile.availability.map(({ day, start, end }) => ({ day, start, end })),
    updated_at: profile.updatedAt.getTime(),
  };
}

/** Whether a local profile belongs in the directory at all (besides the learner's opt-in). */
export function isPublishable(profile: Profile, ownServerName: string): boolean {
  return (
    serverNameOf(profile.userId) === ownServerName &&
    profile.discoverable &&
    profile.native.length > 0 &&
    profile.learning.length > 0
  );
}

/** Why an entry was not believed; the label of the ignored-entries metric. */
export type IgnoredReason =
  /** The state key is not `learner:` and a user id. */
  | "bad_state_key"
  /** The sender is not the learner's own server's bot. */
  | "forged_sender"
  /** The learner's server is not a live partner of ours. */
  | "not_paired"
  /** Sent by the right bot, but not in that organisation's directory room. */
  | "wrong_room"
  /** Lists or strings beyond the profile limits. */
  | "too_large"
  /** Wrong types, unknown languages or zones, an invalid name. */
  | "malformed";

export type DirectoryReading =
  | { kind: "entry"; entry: DirectoryEntry }
  | { kind: "cleared"; userId: string }
  | { kind: "ignored"; reason: IgnoredReason };

export interface LearnerEvent {
  sender: string;
  stateKey: string;
  content: Record<string, unknown>;
  /** The server whose directory room the event is in; undefined for any other room. */
  roomOwner: string | undefined;
}

export interface TrustRule {
  /** Every organisation's bot has this localpart (`xstream`). */
  botLocalpart: string;
  /** Servers we list and that list us. */
  partners: ReadonlySet<string>;
}

// Bounds checked before anything walks the content: a list of a million items is refused by
// its length, not parsed. Synapse caps events at 64 KiB, but a bug or another implementation
// must not make us do unbounded work either.
const MAX_STRING = 256;
/** BCP 47 tags of our profiles are far shorter; anything longer is not worth parsing. */
const MAX_LANGUAGE = 35;
const LIMITS: Record<string, number> = {
  native: PROFILE_LIMITS.native,
  learning: PROFILE_LIMITS.learning,
  interests: PROFILE_LIMITS.interests,
  availability: PROFILE_LIMITS.availability,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isShortString = (value: unknown, max = MAX_STRING): value is string =>
  typeof value === "string" && value.length <= max;
const isLanguage = (value: unknown): value is string => isShortString(value, MAX_LANGUAGE);

/**
 * Reads one `org.xstream.learner` state event under the trust rule: the entry counts only when
 * the learner's server is the sender's server, the sender is that server's bot, that server is a
 * live partner, and the event sits in that server's directory room. Content must hold to the
 * limits of our own profiles; empty content clears the entry.
 */
export function readLearnerEvent(event: LearnerEvent, rule: TrustRule): DirectoryReading {
  const ignored = (reason: IgnoredReason): DirectoryReading => ({ kind: "ignored", reason });
  if (!event.stateKey.startsWith(LEARNER_STATE_PREFIX)) return ignored("bad_state_key");
  const userId = event.stateKey.slice(LEARNER_STATE_PREFIX.length);
  if (!isMatrixUserId(userId)) return ignored("bad_state_key");
  const serverName = serverNameOf(userId);
  if (event.sender !== `@${rule.botLocalpart}:${serverName}`) return ignored("forged_sender");
  if (!rule.partners.has(serverName)) return ignored("not_paired");
  if (event.roomOwner !== serverName) return ignored("wrong_room");
  if (Object.keys(event.content).length === 0) return { kind: "cleared", userId };
  return parseEntry(userId, serverName, event.content);
}

function parseEntry(
  userId: string,
  serverName: string,
  content: Record<string, unknown>,
): DirectoryReading {
  const ignored = (reason: IgnoredReason): DirectoryReading => ({ kind: "ignored", reason });
  for (const [field, limit] of Object.entries(LIMITS)) {
    const value = content[field];
    if (!Array.isArray(value)) return ignored("malformed");
    if (value.length > limit) return ignored("too_large");
  }
  const { display_name, timezone, updated_at } = content;
  const native = content.native as unknown[];
  const learning = content.learning as unknown[];
  const interests = content.interests as unknown[];
  const availability = content.availability as unknown[];
  if (
    !isShortString(display_name) ||
    !isShortString(timezone) ||
    !native.every(isLanguage) ||
    !interests.every((interest) => isShortString(interest))
  ) {
    return typeof display_name === "string" && typeof timezone === "string"
      ? ignored("too_large")
      : ignored("malformed");
  }
  if (
    typeof updated_at !== "number" ||
    !Number.isSafeInteger(updated_at) ||
    updated_at < 0 ||
    // Not absurdly far in the future: a day of clock skew is plenty.
    updated_at > Date.now() + 86_400_000
  ) {
    return ignored("malformed");
  }
  const learningEntries: LearningLanguage[] = [];
  for (const item of learning) {
    if (!isRecord(item) || !isLanguage(item.language) || !isShortString(item.level, 2)) {
      return ignored(
        isRecord(item) && typeof item.language === "string" ? "too_large" : "malformed",
      );
    }
    learningEntries.push({
      language: item.language,
      level: item.level as LearningLanguage["level"],
    });
  }
  const windows: AvailabilityWindow[] = [];
  for (const item of availability) {
    if (
      !isRecord(item) ||
      typeof item.day !== "number" ||
      !isShortString(item.start, 5) ||
      !isShortString(item.end, 5)
    ) {
      return ignored("malformed");
    }
    windows.push({ day: item.day as Weekday, start: item.start, end: item.end });
  }
  try {
    // The same rules our own learners' profiles follow: known languages and levels, a real
    // zone, well-formed windows, bounded interests.
    const valid = validateProfileInput({
      native: native as string[],
      learning: learningEntries,
      interests: interests as string[],
      timezone,
      availability: windows,
      bio: "",
      discoverable: true,
    });
    if (valid.native.length === 0 || valid.learning.length === 0) return ignored("malformed");
    return {
      kind: "entry",
      entry: {
        userId,
        serverName,
        displayName: validateDisplayName(display_name),
        native: valid.native,
        learning: valid.learning,
        interests: valid.interests,
        timezone: valid.timezone,
        availability: valid.availability,
        updatedAt: new Date(updated_at),
      },
    };
  } catch {
    return ignored("malformed");
  }
}

/**
 * A partner's learner as a ranking candidate: like a local profile. Their homeserver's activity
 * is not ours to see, so the entry's own updated time stands in for their last activity (they
 * were active when they last changed their profile); presence stays unknown.
 */
export function entryCandidate(
  entry: DirectoryEntry,
  organisation: string,
  pendingIncoming: number,
): RemoteCandidate {
  return {
    organisation,
    profile: {
      userId: entry.userId,
      displayName: entry.displayName,
      native: entry.native,
      learning: entry.learning,
      interests: entry.interests,
      timezone: entry.timezone,
      availability: entry.availability,
      bio: "",
      discoverable: true,
      createdAt: entry.updatedAt,
      updatedAt: entry.updatedAt,
    },
    signals: { pendingIncoming, lastActiveAt: entry.updatedAt },
  };
}
