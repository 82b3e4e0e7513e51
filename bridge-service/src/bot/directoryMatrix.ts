import { randomUUID } from "node:crypto";
import { BOT_ROOM_HISTORY } from "../domain/botRoomHistory.js";
import type { DirectoryMatrix, DirectoryStateEvent } from "../domain/directory.js";
import {
  DIRECTORY_ALIAS_LOCALPART,
  DIRECTORY_ROOM_TYPE,
  directoryAlias,
} from "../domain/directoryEntries.js";
import { HomeserverError } from "../matrix/synapseRequest.js";
import {
  type BotRoomsMatrixDeps,
  createBotRoomsMatrix,
  isRefusal,
  roomPath as room,
} from "./botRoomsMatrix.js";

export type DirectoryMatrixDeps = BotRoomsMatrixDeps;

/** The directory's Matrix calls, as the bot with the appservice token. */
export function createDirectoryMatrix(deps: DirectoryMatrixDeps): DirectoryMatrix {
  const rooms = createBotRoomsMatrix(deps);
  const { call } = rooms;

  return {
    createDirectoryRoom: ({ name, allowServers, invite }) =>
      // Only the bot may change anything or send anything; the partners' bots only read.
      rooms.createBotOnlyRoom({
        name,
        topic:
          "Xstream partner directory: learners who chose to be shown to partner organisations.",
        roomType: DIRECTORY_ROOM_TYPE,
        aliasLocalpart: DIRECTORY_ALIAS_LOCALPART,
        invite,
        serverAcl: allowServers,
        historyVisibility: BOT_ROOM_HISTORY,
      }),

    resolveDirectory: (serverName) => rooms.resolveAlias(directoryAlias(serverName)),

    async serverAcl(roomId) {
      try {
        const json = await call("GET", `${room(roomId)}/state/m.room.server_acl/`);
        return Array.isArray(json.allow) ? json.allow.filter((s) => typeof s === "string") : [];
      } catch (error) {
        if (error instanceof HomeserverError && error.status === 404) return undefined;
        throw error;
      }
    },

    async setServerAcl(roomId, allowServers) {
      await call("PUT", `${room(roomId)}/state/m.room.server_acl/`, {
        allow: allowServers,
        deny: [],
        allow_ip_literals: false,
      });
    },

    memberships: rooms.memberships,
    invite: rooms.invite,
    kick: rooms.kick,

    async join(roomId, viaServer) {
      try {
        await call(
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(viaServer)}`,
        );
        return true;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    },

    leave: rooms.leave,

    async roomState(roomId) {
      const json: unknown = await call("GET", `${room(roomId)}/state`);
      if (!Array.isArray(json)) return [];
      const events: DirectoryStateEvent[] = [];
      for (const item of json as unknown[]) {
        if (typeof item !== "object" || item === null) continue;
        const { type, state_key, sender, content } = item as Record<string, unknown>;
        if (
          typeof type === "string" &&
          typeof state_key === "string" &&
          typeof sender === "string" &&
          typeof content === "object" &&
          content !== null &&
          !Array.isArray(content)
        ) {
          events.push({
            type,
            stateKey: state_key,
            sender,
            content: content as Record<string, unknown>,
          });
        }
      }
      return events;
    },

    async putState(roomId, type, stateKey, content) {
      const json = await call(
        "PUT",
        `${room(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
        content,
      );
      if (typeof json.event_id !== "string") throw new Error("homeserver returned no event_id");
      return json.event_id;
    },

    async redact(roomId, eventId, reason) {
      await call(
        "PUT",
        `${room(roomId)}/redact/${encodeURIComponent(eventId)}/${encodeURIComponent(randomUUID())}`,
        { reason },
      );
    },
  };
}
