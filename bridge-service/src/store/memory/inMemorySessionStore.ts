import type { SessionFamily, SessionStore } from "../sessionStore.js";

export interface RefreshTokenRow extends SessionFamily {
  tokenHash: string;
  userAgent: string | undefined;
  createdAt: Date;
  expiresAt: Date;
  sessionStartedAt: Date;
  rotatedAt: Date | undefined;
  revokedAt: Date | undefined;
}

/** Same contract as the PostgreSQL store, in memory: for unit tests of callers. */
export interface InMemorySessionStore extends SessionStore {
  /** Rows keyed by the hex of the token hash. */
  readonly tokens: ReadonlyMap<string, RefreshTokenRow>;
}

export function createInMemorySessionStore(): InMemorySessionStore {
  const tokens = new Map<string, RefreshTokenRow>();
  const familyOf = (row: RefreshTokenRow): SessionFamily => ({
    familyId: row.familyId,
    accountId: row.accountId,
    deviceId: row.deviceId,
  });
  const revoke = (predicate: (row: RefreshTokenRow) => boolean, now: Date) => {
    const revoked: RefreshTokenRow[] = [];
    for (const row of tokens.values()) {
      if (row.revokedAt === undefined && predicate(row)) {
        row.revokedAt = now;
        revoked.push(row);
      }
    }
    return revoked;
  };

  return {
    tokens,
    async createFamily(family, token, now) {
      tokens.set(token.tokenHash.toString("hex"), {
        ...family,
        tokenHash: token.tokenHash.toString("hex"),
        createdAt: now,
        expiresAt: token.expiresAt,
        sessionStartedAt: now,
        rotatedAt: undefined,
        revokedAt: undefined,
      });
    },
    async rotate(tokenHash, replacement, now, startedAfter) {
      const row = tokens.get(tokenHash.toString("hex"));
      if (!row || row.revokedAt !== undefined) return { outcome: "invalid" };
      if (row.rotatedAt !== undefined) {
        revoke((other) => other.familyId === row.familyId, now);
        return { outcome: "reused", family: familyOf(row) };
      }
      if (row.expiresAt <= now) return { outcome: "invalid" };
      if (row.sessionStartedAt <= startedAfter) {
        revoke((other) => other.familyId === row.familyId, now);
        return { outcome: "ended", family: familyOf(row) };
      }
      row.rotatedAt = now;
      tokens.set(replacement.tokenHash.toString("hex"), {
        ...row,
        tokenHash: replacement.tokenHash.toString("hex"),
        createdAt: now,
        expiresAt: replacement.expiresAt,
        rotatedAt: undefined,
        revokedAt: undefined,
      });
      return { outcome: "rotated", family: familyOf(row), startedAt: row.sessionStartedAt };
    },
    async findFamilyByToken(tokenHash) {
      const row = tokens.get(tokenHash.toString("hex"));
      return row && familyOf(row);
    },
    async findLiveFamily(familyId, now, startedAfter = new Date(0)) {
      const row = [...tokens.values()].find(
        (r) =>
          r.familyId === familyId &&
          r.revokedAt === undefined &&
          r.rotatedAt === undefined &&
          r.expiresAt > now &&
          r.sessionStartedAt > startedAfter,
      );
      return row && familyOf(row);
    },
    async revokeFamily(familyId, now) {
      revoke((row) => row.familyId === familyId, now);
    },
    async revokeOtherFamilies(accountId, keepFamilyId, now) {
      const revoked = revoke(
        (row) => row.accountId === accountId && row.familyId !== keepFamilyId,
        now,
      );
      return [...new Map(revoked.map((row) => [row.familyId, familyOf(row)])).values()];
    },
    async prune(now, revokedBefore) {
      let pruned = 0;
      for (const [key, row] of tokens) {
        if (
          row.expiresAt <= now ||
          (row.revokedAt !== undefined && row.revokedAt < revokedBefore)
        ) {
          tokens.delete(key);
          pruned++;
        }
      }
      return pruned;
    },
  };
}
