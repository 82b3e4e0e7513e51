// One failure policy for passwords against the real stack: guessing through Synapse's /login
// (m.login.password, which passes the bridge's gateway) is slowed with growing waits, counted
// together with the web form, while the owner at a clean address still signs in both ways.
// Another address is simulated the way the edge reports one: the bridge believes X-Forwarded-For
// from loopback proxies (TRUST_PROXY), so a request straight to it can name any client address.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { matrixRequest } from "./matrix.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");

interface LoginAnswer {
  status: number;
  body: { user_id?: string; access_token?: string; errcode?: string; retry_after_ms?: number };
}

async function signedUp() {
  const username = `policy${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const password = strongPassword();
  const signup = await new WebSession(stack.publicUrl).signup(username, password);
  expect(signup.status).toBe(201);
  return { username, password };
}

/** Matrix password login, through the edge (this machine's address) or from `ip`. */
async function matrixLogin(
  identifier: Record<string, unknown>,
  password: string,
  ip?: string,
): Promise<LoginAnswer> {
  const base = ip ? stack.bridgeUrl : stack.publicUrl;
  const response = await fetch(`${base}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(ip ? { "x-forwarded-for": ip } : {}) },
    body: JSON.stringify({ type: "m.login.password", ...identifier, password }),
  });
  return { status: response.status, body: (await response.json()) as LoginAnswer["body"] };
}

/** The web form's sign-in, through the edge or from `ip`. */
async function webLogin(username: string, password: string, ip?: string) {
  const session = new WebSession(ip ? stack.bridgeUrl : stack.publicUrl);
  return session.request<LoginAnswer["body"]>(
    "POST",
    "/api/auth/login",
    { username, password },
    { origin: stack.publicUrl, ...(ip ? { "x-forwarded-for": ip } : {}) },
  );
}

/**
 * Guesses until the policy holds the guesser back for at least `minWaitMs` (shorter waits are
 * waited out, as a patient guesser would). Synapse's own checks can take longer than the first
 * waits on a busy machine, so the test does not count on any one guess being refused.
 */
async function guessUntilHeld(guess: (i: number) => Promise<LoginAnswer>, minWaitMs = 2_000) {
  let checked = 0;
  let checkedBeforeFirstWait: number | undefined;
  for (let i = 0; i < 40; i++) {
    const answer = await guess(i);
    if (answer.status === 403) {
      checked++;
      continue;
    }
    expect(answer.status, JSON.stringify(answer.body)).toBe(429);
    expect(answer.body.errcode).toBe("M_LIMIT_EXCEEDED");
    checkedBeforeFirstWait ??= checked;
    const wait = answer.body.retry_after_ms ?? 0;
    expect(wait).toBeGreaterThan(0);
    if (wait >= minWaitMs) return { checked, checkedBeforeFirstWait };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new Error(`still guessing freely after ${checked} wrong passwords`);
}

describe("password failure policy", () => {
  it("slows a guesser at Synapse's /login; the owner elsewhere signs in on the web and in Matrix", async () => {
    const { username, password } = await signedUp();
    const spellings = [
      { identifier: { type: "m.id.user", user: username } },
      { identifier: { type: "m.id.user", user: `@${username.toUpperCase()}:${stack.serverName}` } },
      { user: username.toUpperCase() },
      { user: `@${username}:${stack.serverName}` },
    ];
    const held = await guessUntilHeld((i) =>
      matrixLogin(spellings[i % spellings.length] ?? {}, strongPassword()),
    );
    // Five free, then waits (a slow Synapse check may outlast the first); Synapse alone would
    // have answered 403 forever.
    expect(held.checkedBeforeFirstWait).toBeGreaterThanOrEqual(5);
    expect(held.checked).toBeLessThanOrEqual(10);

    // The guesser's address waits whatever it sends, on every path.
    expect((await matrixLogin({ user: username }, password)).status).toBe(429);
    expect((await webLogin(username, password)).status).toBe(429);

    // The owner at a clean address signs in on the web form and at Synapse.
    const web = await webLogin(username, password, "198.51.100.23");
    expect(web.status, JSON.stringify(web.body)).toBe(200);
    const matrix = await matrixLogin({ user: username }, password, "198.51.100.23");
    expect(matrix.status, JSON.stringify(matrix.body)).toBe(200);
    const me = await matrixRequest<{ user_id: string }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/account/whoami",
      { token: matrix.body.access_token },
    );
    expect(me.user_id).toBe(`@${username}:${stack.serverName}`);
  });

  it("slows guessing from many addresses, but not an address the owner signed in from", async () => {
    const { username, password } = await signedUp();
    expect((await matrixLogin({ user: username }, password, "198.51.100.50")).status).toBe(200);

    // Three guesses from each address: each counts for the account until its tenth failure.
    const held = await guessUntilHeld((i) =>
      matrixLogin({ user: username }, strongPassword(), `203.0.113.${10 + Math.floor(i / 3)}`),
    );
    expect(held.checkedBeforeFirstWait).toBeGreaterThanOrEqual(10);
    expect(held.checked).toBeLessThanOrEqual(15);

    expect((await matrixLogin({ user: username }, password, "192.0.2.99")).status).toBe(429);
    expect((await matrixLogin({ user: username }, password, "198.51.100.50")).status).toBe(200);
    expect((await webLogin(username, password, "198.51.100.50")).status).toBe(200);
  });
});
