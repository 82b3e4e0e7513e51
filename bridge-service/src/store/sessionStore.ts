/**
 * A refresh-token family: one sign-in in one browser, through every rotation of its refresh
 * token. It owns one Matrix device.
 */
export interface SessionFamily {
  familyId: string;
  accountId: string;
  /** The Matrix device the browser logs in as; stable across rotations. */
  deviceId: string;
}

export interface NewRefreshToken {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: Buffer;
  expiresAt: Date;
}

export type RotationResult =
  /** `startedAt`: the family's first sign-in, which bounds the new token's useful life. */
  | { outcome: "rotated"; family: SessionFamily; startedAt: Date }
  /** The token had already been rotated: the whole family is now revoked. */
  | { outcome: "reused"; family: SessionFamily }
  /** The family began at or before the cut-off (its absolute lifetime is over): now revoked. */
  | { outcome: "ended"; family: SessionFamily }
  /** Unknown, expired or revoked. */
  | { outcome: "invalid" };

export interface SessionStore {
  createFamily(
    family: SessionFamily & { userAgent: string | undefined },
    token: NewRefreshToken,
    now: Date,
  ): Promise<void>;
  /**
   * Atomically marks the live token `tokenHash` as rotated and stores its replacement. Of two
   * concurrent rotations of one token, exactly one can succeed; the other sees a reuse. A family
   * that started at or before `startedAfter` is not rotated but revoked (`ended`).
   */
  rotate(
    tokenHash: Buffer,
    replacement: NewRefreshToken,
    now: Date,
    startedAfter: Date,
  ): Promise<RotationResult>;
  /** The family of a token in any state (logout must work with a rotated or expired one). */
  findFamilyByToken(tokenHash: Buffer): Promise<SessionFamily | undefined>;
  /**
   * The family if it still has an unrevoked, unexpired current token (and, given `startedAfter`,
   * began after it: a session past its absolute lifetime is not live).
   */
  findLiveFamily(
    familyId: string,
    now: Date,
    startedAfter?: Date,
  ): Promise<SessionFamily | undefined>;
  /** Revokes every token of the family. Idempotent. */
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Revokes every live family of the account except `keepFamilyId`; returns those revoked. */
  revokeOtherFamilies(accountId: string, keepFamilyId: string, now: Date): Promise<SessionFamily[]>;
  /**
   * Deletes expired tokens and tokens revoked before `revokedBefore`; returns how many. Rotated
   * tokens stay until they expire: they are what reuse detection recognizes.
   */
  prune(now: Date, revokedBefore: Date): Promise<number>;
}

/** Longest user agent kept; it only helps a user tell their sessions apart. */
export const USER_AGENT_MAX_LENGTH = 512;
