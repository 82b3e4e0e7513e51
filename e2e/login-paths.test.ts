// Every Synapse login path passes through the bridge's gateway at the edge, the production
// Caddyfile that npm start and the tests run in Caddy: a JWT that was used once is refused on each
// path, in any spelling, and a fresh one works on each.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");

/** Synapse 1.163 serves /login under each of these. */
const LOGIN_PATHS = [
  "/_matrix/client/v3/login",
  "/_matrix/client/r0/login",
  "/_matrix/client/unstable/login",
  "/_matrix/client/api/v1/login",
];
/** What an attacker might try instead; none may log in with a used token. */
const ODD_SPELLINGS = [
  "/_matrix/client/v3/LOGIN",
  "/_matrix/client/v3/%6Cogin",
  "/_matrix/client/v3/%6c%6F%67%69%6E",
  "/_matrix/client//v3/login",
  "/_matrix/client/v3//login",
  "/_matrix/client/v3/login/",
  "/_matrix/client/v3/login?type=m.login.password",
  "/_matrix/client/v4/login",
  "/_matrix/client/api/v1/../../r0/login",
];

async function jwtLoginAt(origin: string, path: string, token: string, deviceId: string) {
  const response = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "org.matrix.login.jwt", token, device_id: deviceId }),
  });
  const text = await response.text();
  let body: { user_id?: string; access_token?: string; errcode?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's own page): the status says enough.
  }
  return { status: response.status, body };
}

async function learner() {
  // Sessions and tokens come from the stack's own origin (its cookies and CSRF check).
  const session = new WebSession(stack.publicUrl);
  const username = `paths${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  expect((await session.signup(username, strongPassword())).status).toBe(201);
  const mint = async () => {
    const minted = await session.matrixToken();
    expect(minted.status).toBe(200);
    return { token: minted.body.token, deviceId: minted.body.device_id };
  };
  return { username, mint };
}

function loginPathTests(edge: () => string) {
  it("refuses a used JWT on every login path and spelling, and takes a fresh one on each", async () => {
    const { username, mint } = await learner();
    const used = await mint();
    const first = await jwtLoginAt(edge(), LOGIN_PATHS[0] ?? "", used.token, used.deviceId);
    expect(first.status, JSON.stringify(first.body)).toBe(200);

    for (const path of LOGIN_PATHS) {
      const replay = await jwtLoginAt(edge(), path, used.token, used.deviceId);
      expect([path, replay.status, replay.body.errcode]).toEqual([path, 403, "M_FORBIDDEN"]);
    }
    for (const path of ODD_SPELLINGS) {
      const replay = await jwtLoginAt(edge(), path, used.token, used.deviceId);
      expect([path, replay.body.access_token]).toEqual([path, undefined]);
      expect([path, [403, 404].includes(replay.status)]).toEqual([path, true]);
    }

    for (const path of LOGIN_PATHS) {
      const fresh = await mint();
      const login = await jwtLoginAt(edge(), path, fresh.token, fresh.deviceId);
      expect([path, login.status, login.body.user_id]).toEqual([
        path,
        200,
        `@${username}:${stack.serverName}`,
      ]);
    }
  });

  it("still serves Synapse's other paths and the login flows", async () => {
    expect((await fetch(`${edge()}/_matrix/client/versions`)).status).toBe(200);
    for (const path of LOGIN_PATHS) {
      const flows = await fetch(`${edge()}${path}`);
      expect([path, flows.status]).toEqual([path, 200]);
      const body = (await flows.json()) as { flows: { type: string }[] };
      expect(body.flows.map((flow) => flow.type)).toContain("org.matrix.login.jwt");
      // Element Web on another origin asks first.
      const preflight = await fetch(`${edge()}${path}`, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.element.io",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      expect([path, preflight.ok, preflight.headers.get("access-control-allow-origin")]).toEqual([
        path,
        true,
        "*",
      ]);
    }
  });

  it("never serves Synapse's admin API or the bridge's metrics on the public origin", async () => {
    for (const path of [
      "/_synapse/admin/v1/server_version",
      "/_synapse/admin/v2/users",
      "/_synapse/metrics",
      "/metrics",
    ]) {
      const response = await fetch(`${edge()}${path}`);
      const body = await response.text();
      expect([path, response.status]).toEqual([path, 404]);
      expect([path, (JSON.parse(body) as { errcode?: string }).errcode]).toEqual([
        path,
        "M_NOT_FOUND",
      ]);
    }
  });

  it("routes password logins to the gateway, which slows a guesser who forges addresses", async () => {
    const { username } = await learner();
    const statuses: number[] = [];
    // Each wrong password past the fifth doubles the wait (1 s, 2 s, 4 s…); on a busy machine
    // Synapse's check may outlast the first ones, so guess until refused, at most 10 times. A
    // forged X-Forwarded-For per guess must not pass for another address: the edge replaces it
    // (if it did not, only the account's limit, 10 failures, would stop the guesser).
    for (let i = 0; i < 10 && statuses.at(-1) !== 429; i++) {
      const path = LOGIN_PATHS[i % LOGIN_PATHS.length] ?? "";
      const response = await fetch(`${edge()}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}` },
        body: JSON.stringify({ type: "m.login.password", user: username, password: `wrong-${i}` }),
      });
      statuses.push(response.status);
    }
    // Synapse alone (with the tests' generous limits) would answer 403 every time.
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 403)).toBe(true);
  });
}

describe("the edge (Caddy running client/Caddyfile)", () => {
  loginPathTests(() => stack.publicUrl);
});
