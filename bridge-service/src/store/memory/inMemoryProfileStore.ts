import type { Profile } from "../../domain/profiles.js";
import type { ProfileStore } from "../profileStore.js";

interface StoredProfile {
  profile: Profile;
  exchangeKeys: ReadonlySet<string>;
  publishedAt: Date | undefined;
}

const copyProfile = (profile: Profile): Profile => structuredClone(profile);

/**
 * Same contract as the PostgreSQL store, in memory: for unit tests of the partner domain.
 * Activity and presence are not kept (nobody has any); open incoming requests come from
 * `pendingIncomingOf`, the in-memory partner store's count when the two are used together.
 */
export function createInMemoryProfileStore(
  options: { pendingIncomingOf?: (userId: string) => number } = {},
): ProfileStore {
  const profiles = new Map<string, StoredProfile>();
  const signalsOf = (userId: string) => ({
    pendingIncoming: options.pendingIncomingOf?.(userId) ?? 0,
  });

  return {
    async get(userId) {
      const stored = profiles.get(userId);
      return stored && copyProfile(stored.profile);
    },

    // Read, change and write happen in one synchronous step: nothing can come in between, as
    // the row lock ensures in PostgreSQL.
    async update(userId, displayName, change, now) {
      const existing = profiles.get(userId);
      const { input, exchangeKeys } = change(existing && copyProfile(existing.profile));
      const previous = existing?.profile.updatedAt.getTime();
      // Only the columns PostgreSQL has: whatever else `input` carries is not stored.
      const { native, learning, interests, timezone, availability, bio, discoverable } =
        structuredClone(input);
      const profile: Profile = {
        native,
        learning,
        interests,
        timezone,
        availability,
        bio,
        discoverable,
        userId,
        displayName,
        createdAt: existing?.profile.createdAt ?? now,
        // Strictly later than the previous version, so publishing can tell them apart.
        updatedAt: new Date(
          previous === undefined ? now.getTime() : Math.max(now.getTime(), previous + 1),
        ),
      };
      profiles.set(userId, {
        profile,
        exchangeKeys: new Set(exchangeKeys),
        publishedAt: existing?.publishedAt,
      });
      return copyProfile(profile);
    },

    async rename(userId, displayName) {
      const stored = profiles.get(userId);
      if (!stored || stored.profile.displayName === displayName) return false;
      stored.profile.displayName = displayName;
      return true;
    },

    async markPublished(userId, version) {
      const stored = profiles.get(userId);
      if (stored && (!stored.publishedAt || stored.publishedAt < version)) {
        stored.publishedAt = version;
      }
    },

    async listUnpublished(limit) {
      return [...profiles.values()]
        .filter(({ profile, publishedAt }) => !publishedAt || publishedAt < profile.updatedAt)
        .sort((a, b) => a.profile.updatedAt.getTime() - b.profile.updatedAt.getTime())
        .slice(0, limit)
        .map(({ profile }) => copyProfile(profile));
    },

    async findCandidates(exchangeKeys, excluded, limit) {
      const sought = [...exchangeKeys];
      // With no activity kept, PostgreSQL's order (most recently active first) falls back to its
      // tie-break: the most recently updated profile first.
      return [...profiles.values()]
        .filter(
          ({ profile, exchangeKeys: offered }) =>
            profile.discoverable &&
            !excluded.has(profile.userId) &&
            sought.some((key) => offered.has(key)),
        )
        .sort((a, b) => b.profile.updatedAt.getTime() - a.profile.updatedAt.getTime())
        .slice(0, limit)
        .map(({ profile }) => ({
          profile: copyProfile(profile),
          signals: signalsOf(profile.userId),
        }));
    },

    async signalsOf(userId) {
      return signalsOf(userId);
    },
  };
}
