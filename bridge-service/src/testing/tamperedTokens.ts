// The JWTs every verifier of ours must refuse, built from a maker of valid ones.
import jwt from "jsonwebtoken";

/** Signs `claims` (keys set to undefined are dropped) with HS256, or `secret` if given. */
export type TokenMaker = (overrides?: Record<string, unknown>, secret?: string) => string;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function hs256Maker(base: () => Record<string, unknown>, defaultSecret: string): TokenMaker {
  return (overrides = {}, secret = defaultSecret) => {
    const claims = Object.fromEntries(
      Object.entries({ ...base(), ...overrides }).filter(([, value]) => value !== undefined),
    );
    return jwt.sign(claims, secret, { algorithm: "HS256" });
  };
}

/** [label, token] for: alg none, wrong signature or algorithm, wrong aud/iss, expired, nbf ahead. */
export function tamperedTokens(
  make: TokenMaker,
  secret: string,
  nowSeconds: number,
): [string, string][] {
  const good = make();
  const [header = "", payload = "", signature = ""] = good.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as object;
  const none = b64({ alg: "none", typ: "JWT" });
  return [
    ["alg none, unsigned", `${none}.${payload}.`],
    ["alg none, signature kept", `${none}.${payload}.${signature}`],
    ["wrong signature", make({}, "another-secret-0123456789abcdef0123456789")],
    [
      "claims changed under the signature",
      `${header}.${b64({ ...claims, sub: "mallory" })}.${signature}`,
    ],
    [
      "HS512 with the right key",
      jwt.sign(claims, secret, { algorithm: "HS512", noTimestamp: true }),
    ],
    ["wrong audience", make({ aud: "someone-else" })],
    ["wrong issuer", make({ iss: "https://evil.example" })],
    ["expired", make({ iat: nowSeconds - 120, nbf: nowSeconds - 120, exp: nowSeconds - 1 })],
    ["not yet valid (nbf in the future)", make({ nbf: nowSeconds + 30 })],
    ["without exp", make({ exp: undefined })],
    ["not a JWT", "definitely-not-a-jwt"],
    ["empty", ""],
  ];
}
