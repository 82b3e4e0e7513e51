import type { MatchCandidate } from "../domain/matching.js";
import type { Profile, ProfileInput } from "../domain/profiles.js";

/**
 * A profile as written: what the learner chose, plus the exchange keys the domain derived from it
 * (see `offeredExchanges`), which the store indexes for `findCandidates`.
 */
export interface ProfileWrite {
  input: ProfileInput;
  exchangeKeys: readonly string[];
}

export interface ProfileStore {
  get(userId: string): Promise<Profile | undefined>;
  /**
   * Reads the profile under a row lock, lets `change` compute the new one from it (undefined
   * when there is none yet) and writes it, all in one transaction: two concurrent bot commands
   * cannot undo each other's change.
   */
  update(
    userId: string,
    displayName: string,
    change: (current: Profile | undefined) => ProfileWrite,
    now: Date,
  ): Promise<Profile>;
  /** Changes the stored display name of an existing profile; false if none or unchanged. */
  rename(userId: string, displayName: string): Promise<boolean>;
  /** Records that the Matrix profile fields show the version written at `version`. */
  markPublished(userId: string, version: Date): Promise<void>;
  /** Profiles whose latest version is not yet on Matrix, oldest first. */
  listUnpublished(limit: number): Promise<Profile[]>;
  /**
   * Discoverable profiles offering one of `exchangeKeys` (what the asking learner seeks), minus
   * `excluded`, most recently active first, with what ranking needs to know about each.
   */
  findCandidates(
    exchangeKeys: readonly string[],
    excluded: ReadonlySet<string>,
    limit: number,
  ): Promise<MatchCandidate[]>;
  /** Activity, presence and open incoming requests of one user. */
  signalsOf(userId: string): Promise<MatchCandidate["signals"]>;
}
