/** Remembers which Synapse login tokens (by `jti`) were already used, until they expire. */
export interface LoginTokenStore {
  /**
   * Records `jti` as used. Resolves true the first time, false if it was already recorded
   * (also when two uses race: the primary key lets exactly one insert win).
   */
  markUsed(jti: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Forgets tokens that expired; they can no longer be presented anyway. */
  prune(now: Date): Promise<number>;
}
