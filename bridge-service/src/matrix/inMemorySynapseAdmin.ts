import { HomeserverError } from "./homeserver.js";
import type { SynapseAdmin } from "./synapseAdmin.js";

export interface FakeMatrixUser {
  userId: string;
  password: string;
  displayName: string;
  deactivated: boolean;
}

export type SynapseAdminCall =
  | { op: "registerUser"; userId: string }
  | { op: "setPassword"; userId: string }
  | { op: "deleteDevice"; userId: string; deviceId: string }
  | { op: "deactivateUser"; userId: string }
  | { op: "setProfileField"; userId: string; field: string; value: unknown }
  | { op: "deleteProfileField"; userId: string; field: string }
  | { op: "joinedMembers"; roomId: string }
  | { op: "verifiedEmails"; userId: string };

/** Same contract as the real client, in memory: for unit tests of callers. */
export interface InMemorySynapseAdmin extends SynapseAdmin {
  readonly users: ReadonlyMap<string, FakeMatrixUser>;
  readonly calls: readonly SynapseAdminCall[];
  /** Profile fields set through setProfileField, by user id then field name. */
  readonly profileFields: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Joined members by room id, as joinedMembers reports them; tests fill it. */
  readonly roomMembers: Map<string, string[]>;
  /** Verified email addresses by user id, as verifiedEmails reports them; tests fill it. */
  readonly emails: Map<string, string[]>;
  /** Makes the next call of `op` throw `error` (default: 502 from the homeserver). */
  failNext(op: SynapseAdminCall["op"], error?: Error): void;
}

export function createInMemorySynapseAdmin(serverName: string): InMemorySynapseAdmin {
  const users = new Map<string, FakeMatrixUser>();
  const calls: SynapseAdminCall[] = [];
  const profileFields = new Map<string, Record<string, unknown>>();
  const roomMembers = new Map<string, string[]>();
  const emails = new Map<string, string[]>();
  const failures = new Map<SynapseAdminCall["op"], Error>();
  const maybeFail = (op: SynapseAdminCall["op"]) => {
    const failure = failures.get(op);
    if (failure) {
      failures.delete(op);
      throw failure;
    }
  };

  return {
    users,
    calls,
    profileFields,
    roomMembers,
    emails,
    failNext(op, error = new HomeserverError(502, undefined, `${op} failed: 502 Bad Gateway`)) {
      failures.set(op, error);
    },
    async registerUser({ localpart, password, displayName }) {
      const userId = `@${localpart}:${serverName}`;
      maybeFail("registerUser");
      if (users.has(userId)) {
        throw new HomeserverError(400, "M_USER_IN_USE", "User ID already taken.");
      }
      users.set(userId, { userId, password, displayName, deactivated: false });
      calls.push({ op: "registerUser", userId });
      return { userId };
    },
    async setPassword(userId, password) {
      maybeFail("setPassword");
      const user = users.get(userId);
      if (user) user.password = password;
      calls.push({ op: "setPassword", userId });
    },
    async deleteDevice(userId, deviceId) {
      maybeFail("deleteDevice");
      calls.push({ op: "deleteDevice", userId, deviceId });
    },
    async deactivateUser(userId) {
      maybeFail("deactivateUser");
      const user = users.get(userId);
      if (user) user.deactivated = true;
      calls.push({ op: "deactivateUser", userId });
    },
    async setProfileField(userId, field, value) {
      maybeFail("setProfileField");
      // Users registered elsewhere (Element, the harness) have profiles too.
      profileFields.set(userId, { ...profileFields.get(userId), [field]: value });
      calls.push({ op: "setProfileField", userId, field, value });
    },
    async deleteProfileField(userId, field) {
      maybeFail("deleteProfileField");
      const { [field]: _removed, ...rest } = profileFields.get(userId) ?? {};
      profileFields.set(userId, rest);
      calls.push({ op: "deleteProfileField", userId, field });
    },
    async joinedMembers(roomId) {
      maybeFail("joinedMembers");
      calls.push({ op: "joinedMembers", roomId });
      return roomMembers.get(roomId);
    },
    async verifiedEmails(userId) {
      maybeFail("verifiedEmails");
      calls.push({ op: "verifiedEmails", userId });
      return emails.get(userId) ?? [];
    },
  };
}
