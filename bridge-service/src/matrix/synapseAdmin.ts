import { createHmac } from "node:crypto";
import { createSynapseRequest, HomeserverError, type SynapseJson } from "./synapseRequest.js";

/** Synapse-specific user management the account service needs (admin and shared-secret APIs). */
export interface SynapseAdmin {
  /**
   * Creates a (non-admin) Matrix user through shared-secret registration, without logging it in.
   * @throws HomeserverError, e.g. 400 M_USER_IN_USE
   */
  registerUser(user: { localpart: string; password: string; displayName: string }): Promise<{
    userId: string;
  }>;
  /** Sets the user's Matrix password and logs out every one of its devices. */
  setPassword(userId: string, password: string): Promise<void>;
  /** Deletes one device and its access tokens. Succeeds if the device or user is already gone. */
  deleteDevice(userId: string, deviceId: string): Promise<void>;
  /** Deactivates the user and erases its data (undoing a sign-up that could not commit). */
  deactivateUser(userId: string): Promise<void>;
  /**
   * Sets one field of a local user's Matrix profile, e.g. a custom MSC4133 field such as
   * `m.tz`. Synapse lets server admins edit other local users' profiles.
   */
  setProfileField(userId: string, field: string, value: unknown): Promise<void>;
  /** Removes one field of a local user's Matrix profile; succeeds if it is not there. */
  deleteProfileField(userId: string, field: string): Promise<void>;
  /**
   * User ids joined to a room as this homeserver sees it (local and remote users), whether or
   * not the bot is in it; undefined if the homeserver does not know the room.
   */
  joinedMembers(roomId: string): Promise<readonly string[] | undefined>;
  /**
   * The email addresses a local user has verified with the homeserver (3PID validation), the
   * most recently verified first; empty for an unknown user.
   */
  verifiedEmails(userId: string): Promise<readonly string[]>;
}

/** The bridge's own Synapse admin user. The `xstream` prefix is reserved for web sign-ups. */
export const ADMIN_LOCALPART = "xstream-admin";
/** One fixed device, so restarts and re-logins never pile up devices. */
export const ADMIN_DEVICE_ID = "XSTREAM_BRIDGE";
const ADMIN_PASSWORD_LABEL = "xstream-admin password v1";

/**
 * The admin user's password, derived from the registration shared secret so every bridge
 * replica knows it without another secret to distribute.
 */
export function deriveAdminPassword(registrationSharedSecret: string): string {
  return createHmac("sha256", registrationSharedSecret)
    .update(ADMIN_PASSWORD_LABEL)
    .digest("base64url");
}

/** The HMAC-SHA1 that Synapse's shared-secret registration expects, as hex. */
export function registrationMac(
  sharedSecret: string,
  fields: { nonce: string; username: string; password: string; admin: boolean },
): string {
  return createHmac("sha1", sharedSecret)
    .update(
      [fields.nonce, fields.username, fields.password, fields.admin ? "admin" : "notadmin"].join(
        "\0",
      ),
    )
    .digest("hex");
}

export interface SynapseAdminOptions {
  homeserverUrl: string;
  registrationSharedSecret: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createSynapseAdmin({
  homeserverUrl,
  registrationSharedSecret,
  timeoutMs = 15_000,
  fetch = globalThis.fetch,
}: SynapseAdminOptions): SynapseAdmin {
  const call = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  const adminPassword = deriveAdminPassword(registrationSharedSecret);

  async function register(user: {
    localpart: string;
    password: string;
    displayName?: string;
    admin: boolean;
  }): Promise<string> {
    const { nonce } = await call("GET", "/_synapse/admin/v1/register");
    if (typeof nonce !== "string") throw new Error("Synapse returned no registration nonce");
    const json = await call("POST", "/_synapse/admin/v1/register", {
      body: {
        nonce,
        username: user.localpart,
        password: user.password,
        displayname: user.displayName,
        admin: user.admin,
        mac: registrationMac(registrationSharedSecret, {
          nonce,
          username: user.localpart,
          password: user.password,
          admin: user.admin,
        }),
        // No device or access token for the new user: it logs in through JWT or Element.
        inhibit_login: true,
      },
    });
    if (typeof json.user_id !== "string")
      throw new Error("Synapse registration returned no user_id");
    return json.user_id;
  }

  async function logInAsAdmin(): Promise<string> {
    const json = await call("POST", "/_matrix/client/v3/login", {
      body: {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: ADMIN_LOCALPART },
        password: adminPassword,
        device_id: ADMIN_DEVICE_ID,
        initial_device_display_name: "Xstream bridge",
      },
    });
    if (typeof json.access_token !== "string") throw new Error("Synapse login returned no token");
    return json.access_token;
  }

  async function obtainAdminToken(): Promise<string> {
    try {
      return await logInAsAdmin();
    } catch (error) {
      // Synapse answers an unknown user like a wrong password: 403 M_FORBIDDEN.
      if (!(error instanceof HomeserverError && error.errcode === "M_FORBIDDEN")) throw error;
    }
    try {
      await register({ localpart: ADMIN_LOCALPART, password: adminPassword, admin: true });
    } catch (error) {
      if (error instanceof HomeserverError && error.errcode === "M_USER_IN_USE") {
        throw new Error(
          `Synapse user ${ADMIN_LOCALPART} exists but refuses the password derived from SYNAPSE_REGISTRATION_SHARED_SECRET (was the secret changed?). Reset its password or deactivate it with Synapse's admin tools.`,
        );
      }
      throw error;
    }
    return logInAsAdmin();
  }

  // One login at a time; every caller waits for the same one.
  let adminToken: Promise<string> | undefined;
  const currentAdminToken = () => {
    adminToken ??= obtainAdminToken().catch((error: unknown) => {
      adminToken = undefined;
      throw error;
    });
    return adminToken;
  };

  async function adminCall(method: string, path: string, body?: unknown): Promise<SynapseJson> {
    const token = await currentAdminToken();
    try {
      return await call(method, path, { body, token });
    } catch (error) {
      // The token was logged out or expired: log in again once.
      if (!(error instanceof HomeserverError && error.status === 401)) throw error;
      if (adminToken && (await adminToken.catch(() => undefined)) === token) adminToken = undefined;
      return call(method, path, { body, token: await currentAdminToken() });
    }
  }

  const user = (userId: string) => encodeURIComponent(userId);

  return {
    async registerUser({ localpart, password, displayName }) {
      return { userId: await register({ localpart, password, displayName, admin: false }) };
    },

    async setPassword(userId, password) {
      await adminCall("PUT", `/_synapse/admin/v2/users/${user(userId)}`, {
        password,
        logout_devices: true,
      });
    },

    async deleteDevice(userId, deviceId) {
      try {
        await adminCall(
          "DELETE",
          `/_synapse/admin/v2/users/${user(userId)}/devices/${encodeURIComponent(deviceId)}`,
        );
      } catch (error) {
        if (error instanceof HomeserverError && error.status === 404) return;
        throw error;
      }
    },

    async deactivateUser(userId) {
      await adminCall("POST", `/_synapse/admin/v1/deactivate/${user(userId)}`, { erase: true });
    },

    async setProfileField(userId, field, value) {
      await adminCall(
        "PUT",
        `/_matrix/client/v3/profile/${user(userId)}/${encodeURIComponent(field)}`,
        { [field]: value },
      );
    },

    async deleteProfileField(userId, field) {
      await adminCall(
        "DELETE",
        `/_matrix/client/v3/profile/${user(userId)}/${encodeURIComponent(field)}`,
      );
    },

    async joinedMembers(roomId) {
      try {
        const json = await adminCall(
          "GET",
          `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/members`,
        );
        if (!Array.isArray(json.members)) throw new Error("Synapse returned no members list");
        return json.members.filter((member): member is string => typeof member === "string");
      } catch (error) {
        if (error instanceof HomeserverError && error.status === 404) return undefined;
        throw error;
      }
    },

    async verifiedEmails(userId) {
      try {
        const json = await adminCall("GET", `/_synapse/admin/v2/users/${user(userId)}`);
        const threepids = Array.isArray(json.threepids) ? json.threepids : [];
        return threepids
          .flatMap((entry) => {
            if (typeof entry !== "object" || entry === null) return [];
            const { medium, address, validated_at } = entry as Record<string, unknown>;
            return medium === "email" &&
              typeof address === "string" &&
              typeof validated_at === "number"
              ? [{ address, validatedAt: validated_at }]
              : [];
          })
          .sort((a, b) => b.validatedAt - a.validatedAt)
          .map((entry) => entry.address);
      } catch (error) {
        if (error instanceof HomeserverError && error.status === 404) return [];
        throw error;
      }
    },
  };
}
