// Accounts, sessions and JWT login against the real Synapse and PostgreSQL, through the one
// origin, as the web client and Element use them.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { useBridgeDatabase } from "./database.ts";
import { MatrixError, matrixRequest, passwordLogin } from "./matrix.ts";
import { jwtLogin, strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const db = useBridgeDatabase();

function newUsername(prefix = "learner") {
  return `${prefix}${randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

async function signedUp(username = newUsername(), password = strongPassword()) {
  const session = new WebSession(stack.publicUrl);
  const response = await session.signup(username, password, `Learner ${username}`);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { session, username, password, user: response.body.user };
}

async function whoami(accessToken: string) {
  return matrixRequest<{ user_id: string; device_id?: string }>(
    stack.publicUrl,
    "GET",
    "/_matrix/client/v3/account/whoami",
    { token: accessToken },
  );
}

async function matrixLogin(session: WebSession) {
  const minted = await session.matrixToken();
  expect(minted.status, JSON.stringify(minted.body)).toBe(200);
  const login = await jwtLogin(stack.publicUrl, minted.body.token, minted.body.device_id);
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  return { ...login.body, token: minted.body.token, deviceId: minted.body.device_id };
}

async function accountRows(username: string) {
  const result = await db().query("SELECT 1 FROM accounts WHERE username = $1", [username]);
  return result.rowCount ?? 0;
}

describe("sign-up to a Matrix session", () => {
  it("signs up, exchanges a JWT at Synapse and is the new Matrix user", async () => {
    const { session, username, user } = await signedUp();
    expect(user).toMatchObject({ username, role: "user", matrixUserId: `@${username}:localhost` });
    const cookies = session.cookies;
    expect(cookies.has("xs_access")).toBe(true);
    expect(cookies.has("xs_refresh")).toBe(true);

    const login = await matrixLogin(session);
    expect(login.user_id).toBe(`@${username}:localhost`);
    expect(login.device_id).toBe(login.deviceId);
    const me = await whoami(login.access_token ?? "");
    expect(me.user_id).toBe(`@${username}:localhost`);
    expect(me.device_id).toBe(login.deviceId);
  });

  it("refuses a JWT login token the second time", async () => {
    const { session } = await signedUp();
    const login = await matrixLogin(session);
    const replay = await jwtLogin(stack.publicUrl, login.token, login.deviceId);
    expect(replay.status).toBe(403);
    expect(replay.body.errcode).toBe("M_FORBIDDEN");
  });

  it("keeps one Matrix device per browser session across reloads", async () => {
    const { session } = await signedUp();
    const first = await matrixLogin(session);
    // A reload: the refresh cookie restores the session, and the next JWT names the same device.
    const refreshed = await session.request("POST", "/api/auth/refresh");
    expect(refreshed.status).toBe(200);
    const second = await matrixLogin(session);
    expect(second.deviceId).toBe(first.deviceId);
    const devices = await matrixRequest<{ devices: { device_id: string }[] }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/devices",
      { token: second.access_token },
    );
    expect(devices.devices.map((device) => device.device_id)).toEqual([first.deviceId]);
  });

  it("lets the same user log in from Element with the same password", async () => {
    const { username, password } = await signedUp();
    const element = await passwordLogin(stack.publicUrl, username, password);
    expect(element.userId).toBe(`@${username}:localhost`);
    expect((await whoami(element.accessToken)).user_id).toBe(element.userId);
  });

  it("restores the session from the access cookie", async () => {
    const { session, username } = await signedUp();
    const restored = await session.request<{ user: { username: string } }>(
      "GET",
      "/api/auth/session",
    );
    expect(restored.status).toBe(200);
    expect(restored.body.user.username).toBe(username);
    const stranger = await new WebSession(stack.publicUrl).request("GET", "/api/auth/session");
    expect(stranger.status).toBe(401);
  });
});

describe("refresh tokens", () => {
  it("rotate on every use, and reusing a rotated one revokes the whole family", async () => {
    const { session } = await signedUp();
    const matrix = await matrixLogin(session);
    const oldRefresh = session.cookies.get("xs_refresh");
    const rotated = await session.request("POST", "/api/auth/refresh");
    expect(rotated.status).toBe(200);
    const newRefresh = session.cookies.get("xs_refresh");
    expect(newRefresh).toBeDefined();
    expect(newRefresh).not.toBe(oldRefresh);

    // An attacker replays the stolen, already rotated token.
    const attacker = new WebSession(stack.publicUrl);
    attacker.cookies.set("xs_refresh", oldRefresh ?? "");
    const replay = await attacker.request<{ errcode: string }>("POST", "/api/auth/refresh");
    expect(replay.status).toBe(401);
    expect(replay.body.errcode).toBe("M_UNKNOWN_TOKEN");

    // The legitimate holder's newer token is revoked too, and so is the family's Matrix device.
    const afterReuse = await session.request("POST", "/api/auth/refresh");
    expect(afterReuse.status).toBe(401);
    await expect(whoami(matrix.access_token ?? "")).rejects.toMatchObject({ status: 401 });
  });

  it("stop working 90 days after the first sign-in, however often they were refreshed", async () => {
    const { session, username, password } = await signedUp();
    const matrix = await matrixLogin(session);
    expect((await session.request("POST", "/api/auth/refresh")).status).toBe(200);
    // The family's first sign-in, moved 91 days back (the token itself was just rotated).
    const moved = await db().query(
      `UPDATE refresh_tokens SET session_started_at = session_started_at - interval '91 days'
       WHERE account_id = (SELECT id FROM accounts WHERE username = $1)`,
      [username],
    );
    expect(moved.rowCount).toBe(2);

    // The access cookie is only minutes old, but the session is over.
    expect((await session.request("GET", "/api/auth/session")).status).toBe(401);
    const refused = await session.request<{ errcode: string; error: string }>(
      "POST",
      "/api/auth/refresh",
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      errcode: "M_UNKNOWN_TOKEN",
      error: expect.stringMatching(/session/i),
    });
    expect(session.cookies.has("xs_refresh")).toBe(false);
    await expect(whoami(matrix.access_token ?? "")).rejects.toMatchObject({ status: 401 });
    // Signing in again starts a new session that refreshes normally.
    const again = new WebSession(stack.publicUrl);
    expect((await again.login(username, password)).status).toBe(200);
    expect((await again.request("POST", "/api/auth/refresh")).status).toBe(200);
  });
});

describe("logout", () => {
  it("ends the web session and the Matrix access token", async () => {
    const { session } = await signedUp();
    const matrix = await matrixLogin(session);
    const refreshCookie = session.cookies.get("xs_refresh");
    const logout = await session.request("POST", "/api/auth/logout");
    expect(logout.status).toBe(200);

    expect((await session.request("GET", "/api/auth/session")).status).toBe(401);
    const revived = new WebSession(stack.publicUrl);
    revived.cookies.set("xs_refresh", refreshCookie ?? "");
    expect((await revived.request("POST", "/api/auth/refresh")).status).toBe(401);
    const error = await whoami(matrix.access_token ?? "").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MatrixError);
    expect((error as MatrixError).body.errcode).toBe("M_UNKNOWN_TOKEN");
  });
});

describe("password change", () => {
  it("changes the Matrix password too and ends every other session", async () => {
    const { session: here, username, password } = await signedUp();
    const elsewhere = new WebSession(stack.publicUrl);
    expect((await elsewhere.login(username, password)).status).toBe(200);
    const elsewhereMatrix = await matrixLogin(elsewhere);
    const element = await passwordLogin(stack.publicUrl, username, password);

    const wrong = await here.request<{ errcode: string; field?: string }>(
      "POST",
      "/api/auth/password",
      {
        currentPassword: "not-the-password-at-all",
        newPassword: strongPassword(),
      },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.field).toBe("currentPassword");

    const newPassword = strongPassword();
    const changed = await here.request("POST", "/api/auth/password", {
      currentPassword: password,
      newPassword,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);

    // Other web sessions and every Matrix device are gone.
    expect((await elsewhere.request("POST", "/api/auth/refresh")).status).toBe(401);
    await expect(whoami(elsewhereMatrix.access_token ?? "")).rejects.toMatchObject({ status: 401 });
    await expect(whoami(element.accessToken)).rejects.toMatchObject({ status: 401 });
    // Element logs in with the new password only.
    await expect(passwordLogin(stack.publicUrl, username, password)).rejects.toMatchObject({
      status: 403,
    });
    expect((await passwordLogin(stack.publicUrl, username, newPassword)).userId).toBe(
      `@${username}:localhost`,
    );
    // This browser carries on and gets back into Matrix.
    expect((await here.request("GET", "/api/auth/session")).status).toBe(200);
    expect((await matrixLogin(here)).user_id).toBe(`@${username}:localhost`);
  });
});

describe("bad input gets a clear error and writes nothing", () => {
  const cyrillicA = "\u0430";
  const cases: [string, unknown, number, string][] = [
    ["empty body", {}, 400, "M_BAD_JSON"],
    [
      "empty username",
      { username: "", password: strongPassword(), displayName: "X" },
      400,
      "M_INVALID_USERNAME",
    ],
    [
      "username too long",
      { username: "a".repeat(65), password: strongPassword(), displayName: "X" },
      400,
      "M_INVALID_USERNAME",
    ],
    [
      "username of the wrong type",
      { username: 42, password: strongPassword(), displayName: "X" },
      400,
      "M_BAD_JSON",
    ],
    [
      "unicode look-alike",
      { username: `${cyrillicA}lice${Date.now()}`, password: strongPassword(), displayName: "X" },
      400,
      "M_INVALID_USERNAME",
    ],
    [
      "SQL injection",
      { username: "x'; DROP TABLE accounts; --", password: strongPassword(), displayName: "X" },
      400,
      "M_INVALID_USERNAME",
    ],
    [
      "HTML injection",
      { username: "<script>alert(1)</script>", password: strongPassword(), displayName: "X" },
      400,
      "M_INVALID_USERNAME",
    ],
    [
      "reserved name",
      { username: "admin", password: strongPassword(), displayName: "X" },
      400,
      "M_EXCLUSIVE",
    ],
    [
      "appservice namespace",
      { username: "xstream_bot", password: strongPassword(), displayName: "X" },
      400,
      "M_EXCLUSIVE",
    ],
    [
      "short password",
      { username: newUsername(), password: "short", displayName: "X" },
      400,
      "M_WEAK_PASSWORD",
    ],
    [
      "common password",
      { username: newUsername(), password: "password123", displayName: "X" },
      400,
      "M_WEAK_PASSWORD",
    ],
  ];

  it.each(cases)("%s", async (_name, body, status, errcode) => {
    const response = await new WebSession(stack.publicUrl).request<{
      errcode: string;
      error: string;
    }>("POST", "/api/auth/signup", body);
    expect(response.status).toBe(status);
    expect(response.body.errcode).toBe(errcode);
    expect(response.body.error.length).toBeGreaterThan(5);
    const username = (body as { username?: unknown }).username;
    if (typeof username === "string")
      expect(await accountRows(username.trim().toLowerCase())).toBe(0);
  });

  it("refuses a taken username, case-insensitively", async () => {
    const { username } = await signedUp();
    const again = await new WebSession(stack.publicUrl).signup(
      username.toUpperCase(),
      strongPassword(),
    );
    expect(again.status).toBe(409);
    expect(again.body.errcode).toBe("M_USER_IN_USE");
    expect(await accountRows(username)).toBe(1);
  });

  it("refuses malformed JSON and a 10 MB body", async () => {
    const session = new WebSession(stack.publicUrl);
    const malformed = await session.request<{ errcode: string }>(
      "POST",
      "/api/auth/signup",
      "{nope",
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.errcode).toBe("M_NOT_JSON");
    const huge = JSON.stringify({
      username: newUsername(),
      password: "x".repeat(10 * 1024 * 1024),
    });
    const tooLarge = await session.request<{ errcode: string }>("POST", "/api/auth/signup", huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errcode).toBe("M_TOO_LARGE");
  });

  it("refuses a tampered access token", async () => {
    const { session } = await signedUp();
    const access = session.cookies.get("xs_access") ?? "";
    const [header, payload, signature] = access.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url");
    session.cookies.set("xs_access", `${header}.${forged}.${signature}`);
    const response = await session.request<{ errcode: string }>("GET", "/api/auth/session");
    expect(response.status).toBe(401);
    expect(response.body.errcode).toBe("M_UNKNOWN_TOKEN");
  });

  it("refuses a cookie-authenticated write from another origin", async () => {
    const { session } = await signedUp();
    const response = await session.request<{ errcode: string }>(
      "POST",
      "/api/auth/logout",
      undefined,
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(response.body.errcode).toBe("M_FORBIDDEN");
    expect((await session.request("GET", "/api/auth/session")).status).toBe(200);
  });
});

describe("login", () => {
  it("gives the same answer for an unknown user and a wrong password", async () => {
    const { username } = await signedUp();
    const session = new WebSession(stack.publicUrl);
    const wrongPassword = await session.login(username, strongPassword());
    const unknownUser = await session.login(newUsername("ghost"), strongPassword());
    expect(wrongPassword.status).toBe(403);
    expect(unknownUser.status).toBe(403);
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });

  it("answers with a Matrix login token for the session's device that works once", async () => {
    const { username, password } = await signedUp();
    const session = new WebSession(stack.publicUrl);
    const signedIn = await session.login(username, password);
    expect(signedIn.status).toBe(200);
    const grant = signedIn.body.matrix;
    expect(grant?.user_id).toBe(`@${username}:localhost`);

    const login = await jwtLogin(stack.publicUrl, grant?.token ?? "", grant?.device_id ?? "");
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const me = await whoami(login.body.access_token ?? "");
    expect(me).toMatchObject({ user_id: `@${username}:localhost`, device_id: grant?.device_id });
    // The same device as the session's later tokens (a reload), and the token is spent.
    const minted = await session.matrixToken();
    expect(minted.body.device_id).toBe(grant?.device_id);
    const replay = await jwtLogin(stack.publicUrl, grant?.token ?? "", grant?.device_id ?? "");
    expect([replay.status, replay.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
  });

  it("rate-limits repeated attempts on one account with Retry-After", async () => {
    const { username } = await signedUp();
    const session = new WebSession(stack.publicUrl);
    let limited: Awaited<ReturnType<WebSession["login"]>> | undefined;
    for (let attempt = 0; attempt < 30 && !limited; attempt++) {
      const response = await session.login(username, strongPassword());
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(403);
    }
    expect(limited?.body.errcode).toBe("M_LIMIT_EXCEEDED");
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the OpenAPI document", () => {
  it("describes the auth API", async () => {
    const response = await fetch(`${stack.publicUrl}/api/docs`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      "/api/auth/signup",
      "/api/auth/login",
      "/api/auth/refresh",
      "/api/auth/logout",
      "/api/auth/session",
      "/api/auth/password",
      "/api/auth/matrix-token",
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
  });
});
