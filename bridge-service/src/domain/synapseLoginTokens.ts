import { randomBytes } from "node:crypto";
import type { LoginTokenStore } from "../store/loginTokenStore.js";
import type { SynapseLoginTokenSettings } from "./authContext.js";
import { signHs256, timeClaims, verifyHs256 } from "./jwt.js";
import { Refusal } from "./refusal.js";

export interface SynapseLoginToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/**
 * A JWT for Synapse's `org.matrix.login.jwt`: `sub` is the localpart, `iss`/`aud` match its
 * `jwt_config`, it lives at most 60 s and its random `jti` makes it single-use at our gateway.
 */
export function issueSynapseLoginToken(
  settings: SynapseLoginTokenSettings,
  localpart: string,
  now: Date,
): SynapseLoginToken {
  const jti = randomBytes(18).toString("base64url");
  const times = timeClaims(now, settings.ttlMs);
  const token = signHs256(
    { sub: localpart, iss: settings.issuer, aud: settings.audience, ...times, jti },
    settings.secret,
  );
  return { token, jti, expiresAt: new Date(times.exp * 1000) };
}

/**
 * Checks a login token presented at the gateway and records its `jti`, so it is accepted once.
 * @throws Refusal `invalid_login_token` or `login_token_used`
 */
export async function redeemSynapseLoginToken(
  store: LoginTokenStore,
  settings: SynapseLoginTokenSettings,
  token: unknown,
  now: Date,
): Promise<{ localpart: string }> {
  const claims =
    typeof token === "string"
      ? verifyHs256(token, settings.secret, {
          issuer: settings.issuer,
          audience: settings.audience,
          now,
        })
      : undefined;
  const jti = claims?.jti;
  if (!claims || typeof jti !== "string" || jti.length === 0 || jti.length > 255) {
    throw new Refusal("invalid_login_token", "Invalid login token");
  }
  if (!(await store.markUsed(jti, new Date(claims.exp * 1000), now))) {
    throw new Refusal("login_token_used", "login token already used");
  }
  return { localpart: claims.sub };
}
