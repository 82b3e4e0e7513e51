import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HomeserverError } from "./homeserver.js";
import {
  ADMIN_DEVICE_ID,
  ADMIN_LOCALPART,
  createSynapseAdmin,
  deriveAdminPassword,
  registrationMac,
} from "./synapseAdmin.js";

const SECRET = "registration-shared-secret-0123456789abcdef";

interface Call {
  method: string;
  path: string;
  auth: string | undefined;
  body: Record<string, unknown> | undefined;
}

/** A scripted homeserver: each handler gets the call and returns [status, json]. */
function fakeSynapse(handler: (call: Call, calls: Call[]) => [number, unknown]) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname,
      auth: headers.get("authorization") ?? undefined,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const [status, json] = handler(call, calls);
    return new Response(JSON.stringify(json), {
      status,
      headers: { "content-type": "application/json" },
    });
  }) as typeof globalThis.fetch;
  const admin = createSynapseAdmin({
    homeserverUrl: "http://synapse.test/",
    registrationSharedSecret: SECRET,
    fetch,
  });
  return { admin, calls };
}

const isLogin = (call: Call) => call.path === "/_matrix/client/v3/login";
const isRegister = (call: Call) => call.path === "/_synapse/admin/v1/register";

describe("registrationMac", () => {
  it("is Synapse's HMAC-SHA1 over nonce, user, password and admin flag, NUL-separated", () => {
    const expected = createHmac("sha1", SECRET).update("abc\0ana\0pw\0notadmin").digest("hex");
    expect(
      registrationMac(SECRET, { nonce: "abc", username: "ana", password: "pw", admin: false }),
    ).toBe(expected);
    expect(
      registrationMac(SECRET, { nonce: "abc", username: "ana", password: "pw", admin: true }),
    ).toBe(createHmac("sha1", SECRET).update("abc\0ana\0pw\0admin").digest("hex"));
  });
});

describe("createSynapseAdmin", () => {
  it("registers users through the shared secret, without logging them in", async () => {
    const { admin, calls } = fakeSynapse((call) => {
      if (call.method === "GET" && isRegister(call)) return [200, { nonce: "n1" }];
      if (isRegister(call)) return [200, { user_id: "@ana:localhost" }];
      return [404, {}];
    });
    await expect(
      admin.registerUser({ localpart: "ana", password: "pw-123456789", displayName: "Ana" }),
    ).resolves.toEqual({ userId: "@ana:localhost" });
    expect(calls[1]?.body).toEqual({
      nonce: "n1",
      username: "ana",
      password: "pw-123456789",
      displayname: "Ana",
      admin: false,
      inhibit_login: true,
      mac: registrationMac(SECRET, {
        nonce: "n1",
        username: "ana",
        password: "pw-123456789",
        admin: false,
      }),
    });
    expect(calls.every((call) => call.auth === undefined)).toBe(true);
  });

  it("passes Synapse's errcode on, e.g. M_USER_IN_USE", async () => {
    const { admin } = fakeSynapse((call) =>
      call.method === "GET"
        ? [200, { nonce: "n1" }]
        : [400, { errcode: "M_USER_IN_USE", error: "User ID already taken." }],
    );
    const error = await admin
      .registerUser({ localpart: "ana", password: "pw", displayName: "Ana" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomeserverError);
    expect(error).toMatchObject({ status: 400, errcode: "M_USER_IN_USE" });
  });

  it("creates its admin user on first need, logs in on one fixed device and reuses the token", async () => {
    let adminExists = false;
    const { admin, calls } = fakeSynapse((call) => {
      if (isLogin(call)) {
        return adminExists
          ? [200, { access_token: "admin-token-1", device_id: ADMIN_DEVICE_ID }]
          : [403, { errcode: "M_FORBIDDEN", error: "Invalid username or password" }];
      }
      if (call.method === "GET" && isRegister(call)) return [200, { nonce: "n1" }];
      if (isRegister(call)) {
        adminExists = true;
        return [200, { user_id: `@${ADMIN_LOCALPART}:localhost` }];
      }
      return call.auth === "Bearer admin-token-1"
        ? [200, {}]
        : [401, { errcode: "M_UNKNOWN_TOKEN" }];
    });

    await Promise.all([
      admin.deleteDevice("@ana:localhost", "XSAAAAAAAAAA"),
      admin.setPassword("@ana:localhost", "new-password-1"),
    ]);
    await admin.deactivateUser("@gone:localhost");

    const logins = calls.filter(isLogin);
    expect(logins).toHaveLength(2); // the failed one, then one after registering
    expect(logins[1]?.body).toMatchObject({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: ADMIN_LOCALPART },
      password: deriveAdminPassword(SECRET),
      device_id: ADMIN_DEVICE_ID,
    });
    const registration = calls.find((call) => isRegister(call) && call.method === "POST");
    expect(registration?.body).toMatchObject({
      username: ADMIN_LOCALPART,
      admin: true,
      inhibit_login: true,
    });
    const adminCalls = calls.filter((call) => call.auth !== undefined);
    expect(adminCalls.map((call) => `${call.method} ${call.path}`).sort()).toEqual(
      [
        "DELETE /_synapse/admin/v2/users/%40ana%3Alocalhost/devices/XSAAAAAAAAAA",
        "PUT /_synapse/admin/v2/users/%40ana%3Alocalhost",
        "POST /_synapse/admin/v1/deactivate/%40gone%3Alocalhost",
      ].sort(),
    );
    expect(adminCalls.find((call) => call.method === "PUT")?.body).toEqual({
      password: "new-password-1",
      logout_devices: true,
    });
    expect(adminCalls.find((call) => call.method === "POST")?.body).toEqual({ erase: true });
  });

  it("sets profile fields of local users with its admin token", async () => {
    const { admin, calls } = fakeSynapse((call) =>
      isLogin(call) ? [200, { access_token: "admin-token" }] : [200, {}],
    );
    const languages = [{ language: "es", level: "native" }];
    await admin.setProfileField("@ana:localhost", "org.xstream.languages", languages);
    await admin.setProfileField("@ana:localhost", "m.tz", "Europe/Madrid");
    const puts = calls.filter((call) => call.method === "PUT");
    expect(puts).toEqual([
      {
        method: "PUT",
        path: "/_matrix/client/v3/profile/%40ana%3Alocalhost/org.xstream.languages",
        auth: "Bearer admin-token",
        body: { "org.xstream.languages": languages },
      },
      {
        method: "PUT",
        path: "/_matrix/client/v3/profile/%40ana%3Alocalhost/m.tz",
        auth: "Bearer admin-token",
        body: { "m.tz": "Europe/Madrid" },
      },
    ]);
  });

  it("logs in again once when its token stops working", async () => {
    let tokenNumber = 0;
    let valid = "";
    const { admin, calls } = fakeSynapse((call) => {
      if (isLogin(call)) {
        tokenNumber++;
        valid = `admin-token-${tokenNumber}`;
        return [200, { access_token: valid }];
      }
      return call.auth === `Bearer ${valid}` ? [200, {}] : [401, { errcode: "M_UNKNOWN_TOKEN" }];
    });
    await admin.deleteDevice("@ana:localhost", "XSAAAAAAAAAA");
    valid = "revoked-elsewhere";
    await admin.deleteDevice("@ana:localhost", "XSBBBBBBBBBB");
    expect(calls.filter(isLogin)).toHaveLength(2);
    expect(calls.at(-1)?.auth).toBe("Bearer admin-token-2");
  });

  it("lists only validated email addresses, the most recently validated first", async () => {
    const { admin, calls } = fakeSynapse((call) => {
      if (isLogin(call)) return [200, { access_token: "t" }];
      if (call.path.endsWith(encodeURIComponent("@gone:localhost"))) {
        return [404, { errcode: "M_NOT_FOUND" }];
      }
      return [
        200,
        {
          threepids: [
            { medium: "email", address: "old@example.org", validated_at: 1, added_at: 1 },
            { medium: "msisdn", address: "447700900000", validated_at: 5, added_at: 5 },
            { medium: "email", address: "unchecked@example.org", added_at: 9 },
            { medium: "email", address: "new@example.org", validated_at: 7, added_at: 7 },
            "not an object",
            null,
          ],
        },
      ];
    });
    expect(await admin.verifiedEmails("@ana:localhost")).toEqual([
      "new@example.org",
      "old@example.org",
    ]);
    expect(calls.at(-1)?.path).toBe(
      `/_synapse/admin/v2/users/${encodeURIComponent("@ana:localhost")}`,
    );
    expect(await admin.verifiedEmails("@gone:localhost")).toEqual([]);
  });

  it("treats an unknown user as an already deleted device", async () => {
    const { admin } = fakeSynapse((call) =>
      isLogin(call) ? [200, { access_token: "t" }] : [404, { errcode: "M_NOT_FOUND" }],
    );
    await expect(admin.deleteDevice("@gone:localhost", "XSAAAAAAAAAA")).resolves.toBeUndefined();
  });

  it("explains what to do when its admin user exists with another password", async () => {
    const { admin } = fakeSynapse((call) => {
      if (isLogin(call)) return [403, { errcode: "M_FORBIDDEN" }];
      if (call.method === "GET") return [200, { nonce: "n1" }];
      return [400, { errcode: "M_USER_IN_USE" }];
    });
    await expect(admin.deleteDevice("@ana:localhost", "XS")).rejects.toThrow(
      /xstream-admin exists but refuses the password/,
    );
  });

  it("derives a stable admin password from the shared secret", () => {
    expect(deriveAdminPassword(SECRET)).toBe(deriveAdminPassword(SECRET));
    expect(deriveAdminPassword(SECRET)).not.toBe(deriveAdminPassword(`${SECRET}x`));
    expect(deriveAdminPassword(SECRET)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
