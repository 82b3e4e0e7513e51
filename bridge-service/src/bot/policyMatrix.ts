import { BOT_ROOM_HISTORY } from "../domain/botRoomHistory.js";
import type { PolicyMatrix } from "../domain/policyList.js";
import { POLICY_ALIAS_LOCALPART, POLICY_ROOM_TYPE, policyAlias } from "../domain/policyRules.js";
import { createBotRoomsMatrix } from "./botRoomsMatrix.js";
import { createDirectoryMatrix, type DirectoryMatrixDeps } from "./directoryMatrix.js";

/**
 * The policy list's Matrix calls, as the bot: the directory's calls for everything a room of
 * either kind needs, plus creating and finding the policy room.
 */
export function createPolicyMatrix(deps: DirectoryMatrixDeps): PolicyMatrix {
  const directory = createDirectoryMatrix(deps);
  const rooms = createBotRoomsMatrix(deps);

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

    createPolicyRoom: ({ name, allowServers, invite }) =>
      // As the directory room: only the bot changes anything; partners' bots only read.
      rooms.createBotOnlyRoom({
        name,
        topic:
          "Xstream moderation policy list: learners this organisation banned (m.policy.rule.user).",
        roomType: POLICY_ROOM_TYPE,
        aliasLocalpart: POLICY_ALIAS_LOCALPART,
        invite,
        serverAcl: allowServers,
        historyVisibility: BOT_ROOM_HISTORY,
      }),

    resolvePolicyRoom: (serverName) => rooms.resolveAlias(policyAlias(serverName)),
  };
}
