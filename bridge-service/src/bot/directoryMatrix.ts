import { randomUUID } from "node:crypto";
import type { DirectoryMatrix, DirectoryStateEvent } from "../domain/directory.js";
import {
  DIRECTORY_ALIAS_LOCALPART,
  DIRECTORY_ROOM_TYPE,
  directoryAlias,
} from "../domain/directoryEntries.js";
import type { HomeserverClient } from "../matrix/homeserver.js";
import { createSynapseRequest, HomeserverError } from "../matrix/synapseRequest.js";
import { creatorsHaveImplicitPower } from "./partnerMatrix.js";

export interface DirectoryMatrixDeps {
  homeserverUrl: string;
  asToken: string;
  botUserId: string;
  /** Only for the default room version. */
  homeserver: Pick<HomeserverClient, "defaultRoomVersion">;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const room = (roomId: string) => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

// Refusals that mean "not invited / not allowed / no such room", as opposed to a server that is
// down: the caller tries again next round either way, but these are not worth a warning.
const isRefusal = (error: unknown) =>
  error instanceof HomeserverError && [403, 404].includes(error.status);

/** The directory's Matrix calls, as the bot with the appservice token. */
export function createDirectoryMatrix({
  homeserverUrl,
  asToken,
  botUserId,
  homeserver,
  timeoutMs = 30_000,
  fetch = globalThis.fetch,
}: DirectoryMatrixDeps): DirectoryMatrix {
  const request = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  const call = (method: string, path: string, body?: unknown) =>
    request(method, path, { body: body ?? (method === "GET" ? undefined : {}), token: asToken });

  return {
    async createDirectoryRoom({ name, allowServers, invite }) {
      // Only the bot may change anything or send anything; the partners' bots only read.
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
          "Xstream partner directory: learners who chose to be shown to partner organisations.",
        room_alias_name: DIRECTORY_ALIAS_LOCALPART,
        creation_content: { type: DIRECTORY_ROOM_TYPE },
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

    async resolveDirectory(serverName) {
      try {
        const json = await call(
          "GET",
          `/_matrix/client/v3/directory/room/${encodeURIComponent(directoryAlias(serverName))}`,
        );
        return typeof json.room_id === "string" ? json.room_id : undefined;
      } catch (error) {
        if (isRefusal(error)) return undefined;
        throw error;
      }
    },

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

    async memberships(roomId) {
      const json = await call("GET", `${room(roomId)}/members`);
      const members = new Map<string, string>();
      for (const event of Array.isArray(json.chunk) ? json.chunk : []) {
        const { state_key: userId, content } = event as { state_key?: unknown; content?: unknown };
        const membership = (content as { membership?: unknown } | undefined)?.membership;
        if (typeof userId === "string" && typeof membership === "string") {
          members.set(userId, membership);
        }
      }
      return members;
    },

    async invite(roomId, userId) {
      await call("POST", `${room(roomId)}/invite`, { user_id: userId });
    },

    async kick(roomId, userId, reason) {
      await call("POST", `${room(roomId)}/kick`, { user_id: userId, reason });
    },

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

    async leave(roomId) {
      await call("POST", `${room(roomId)}/leave`);
    },

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
