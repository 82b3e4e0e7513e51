import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { hs256Maker, tamperedTokens } from "../testing/tamperedTokens.js";
import { signHs256, timeClaims, verifyHs256 } from "./jwt.js";

const SECRET = "jwt-test-secret-0123456789abcdef0123456789";
const NOW = new Date("2030-01-01T00:00:00Z");
const EXPECTED = { issuer: "https://xstream.example", audience: "xstream-api", now: NOW };

const claims = () => ({
  sub: "account-1",
  iss: EXPECTED.issuer,
  aud: EXPECTED.audience,
  ...timeClaims(NOW, 60_000),
});
const make = hs256Maker(claims, SECRET);

describe("verifyHs256", () => {
  it("accepts a token it signed and returns its claims", () => {
    expect(verifyHs256(signHs256(claims(), SECRET), SECRET, EXPECTED)).toMatchObject({
      sub: "account-1",
      aud: "xstream-api",
    });
  });

  it.each(tamperedTokens(make, SECRET, NOW.getTime() / 1000))("refuses %s", (_label, token) => {
    expect(verifyHs256(token, SECRET, EXPECTED)).toBeUndefined();
  });

  it("has no leeway at the edges of the validity window", () => {
    const token = make();
    const { exp, nbf } = claims();
    const at = (seconds: number) => ({ ...EXPECTED, now: new Date(seconds * 1000) });
    expect(verifyHs256(token, SECRET, at(nbf))).toBeDefined();
    expect(verifyHs256(token, SECRET, at(nbf - 1))).toBeUndefined();
    expect(verifyHs256(token, SECRET, at(exp - 1))).toBeDefined();
    expect(verifyHs256(token, SECRET, at(exp))).toBeUndefined();
  });

  it("signs exactly the claims given, with an HS256 header", () => {
    const token = signHs256({ ...claims(), jti: "j1" }, SECRET);
    expect(jwt.decode(token, { complete: true })).toMatchObject({
      header: { alg: "HS256", typ: "JWT" },
      payload: { ...claims(), jti: "j1" },
    });
  });
});
