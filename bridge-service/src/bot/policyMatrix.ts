import type { PolicyMatrix } from "../domain/policyList.js";
import { POLICY_ALIAS_LOCALPART, POLICY_ROOM_TYPE, policyAlias } from "../domain/policyRules.js";
import { createSynapseRequest, HomeserverError } from "../matrix/synapseRequest.js";
import { createDirectoryMatrix, type DirectoryMatrixDeps } from "./directoryMatrix.js";
import { creatorsHaveImplicitPower } from "./partnerMatrix.js";

/**
 * The policy list's Matrix calls, as the bot: the directory's calls for everything a room of
 * either kind needs, plus creating and finding the policy room.
 */
export function createPolicyMatrix(deps: DirectoryMatrixDeps): PolicyMatrix {
  const { homeserverUrl, asToken, botUserId, homeserver, timeoutMs = 30_000 } = deps;
  const directory = createDirectoryMatrix(deps);
  const request = createSynapseRequest({
    homeserverUrl,
    timeoutMs,
    fetch: deps.fetch ?? globalThis.fetch,
  });
  const call = (method: string, path: string, body?: unknown) =>
    request(method, path, { body: body ?? (method === "GET" ? undefined : {}), token: asToken });

  return {
    serverAcl: directory.serverAcl,
    setServerAcl: directory.setServerAcl,
    memberships: directory.memberships,
    invite: directory.invite,
    kick: directory.kick,
    join: directory.join,
    leave: directory.leave,
    roomState: directory.roomState,
    putState: directory.putState,

    async createPolicyRoom({ name, allowServers, invite }) {
      // As the directory room: only the bot changes anything; partners' bots only read.
      const powerLevels: Record<string, unknown> = {
        users_default: 0,
        events_default: 100,
        state_default: 100,
        invite: 100,
        kick: 100,
        ban: 100,
        redact: 100,
        events: {},
      };
      if (!creatorsHaveImplicitPower(await homeserver.defaultRoomVersion())) {
        powerLevels.users = { [botUserId]: 100 };
      }
      const json = await call("POST", "/_matrix/client/v3/createRoom", {
        preset: "private_chat",
        name,
        topic:
          "Xstream moderation policy list: learners this organisation banned (m.policy.rule.user).",
        room_alias_name: POLICY_ALIAS_LOCALPART,
        creation_content: { type: POLICY_ROOM_TYPE },
        invite,
        power_level_content_override: powerLevels,
        initial_state: [
          {
            type: "m.room.history_visibility",
            state_key: "",
            content: { history_visibility: "joined" },
          },
          { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
          {
            type: "m.room.server_acl",
            state_key: "",
            content: { allow: allowServers, deny: [], allow_ip_literals: false },
          },
        ],
      });
      if (typeof json.room_id !== "string") throw new Error("homeserver returned no room_id");
      return json.room_id;
    },

    async resolvePolicyRoom(serverName) {
      try {
        const json = await call(
          "GET",
          `/_matrix/client/v3/directory/room/${encodeURIComponent(policyAlias(serverName))}`,
        );
        return typeof json.room_id === "string" ? json.room_id : undefined;
      } catch (error) {
        if (error instanceof HomeserverError && [403, 404].includes(error.status)) return undefined;
        throw error;
      }
    },
  };
}
