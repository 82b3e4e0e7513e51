import { createHmac, timingSafeEqual } from "node:crypto";
import { UNSUBSCRIBE_TOKEN_MAX_LENGTH } from "@xstream/contract/limits";
import { BRIDGE_MAIL_KINDS, type BridgeMailKind } from "../domain/emailPreferences.js";

/**
 * Signed unsubscribe tokens for the links in the bridge's mails: whoever holds the mail may stop
 * that kind of mail for that learner, and nobody can make one for someone else. The key is
 * derived from the session secret (its own label), so there is no extra secret to distribute;
 * rotating the session secret retires old links, which then answer "invalid link".
 *
 * Format: base64url(JSON [version, userId, kind]) "." base64url(HMAC-SHA256).
 */
const LABEL = "xstream email unsubscribe v1";

/** A real token is well under 200 characters; anything longer is refused before any work. */
export { UNSUBSCRIBE_TOKEN_MAX_LENGTH };

export interface UnsubscribeTokens {
  sign(userId: string, kind: BridgeMailKind): string;
  /** The learner and kind, or undefined for anything forged, altered or malformed. */
  verify(token: string): { userId: string; kind: BridgeMailKind } | undefined;
}

export function createUnsubscribeTokens(sessionSecret: string): UnsubscribeTokens {
  const key = createHmac("sha256", sessionSecret).update(LABEL).digest();
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest();
  return {
    sign(userId, kind) {
      const payload = Buffer.from(JSON.stringify([1, userId, kind])).toString("base64url");
      return `${payload}.${mac(payload).toString("base64url")}`;
    },
    verify(token) {
      if (token.length > UNSUBSCRIBE_TOKEN_MAX_LENGTH) return undefined;
      const [payload, signature, ...rest] = token.split(".");
      if (!payload || !signature || rest.length > 0) return undefined;
      if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(signature)) {
        return undefined;
      }
      const given = Buffer.from(signature, "base64url");
      const expected = mac(payload);
      // Constant time: the comparison says nothing about how much of a guess was right.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
      if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== 1) return undefined;
      const [, userId, kind] = parsed;
      if (typeof userId !== "string" || !BRIDGE_MAIL_KINDS.includes(kind)) return undefined;
      return { userId, kind };
    },
  };
}
