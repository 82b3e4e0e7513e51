// The Matrix calls the bot's rooms between organisations share — the directory room, the policy
// room and the request rooms: each is a room only our bot writes, its partners' bots reading, and
// each is found, joined, invited to and left the same way. The adapters (directoryMatrix.ts,
// policyMatrix.ts, directoryRequestsMatrix.ts) add what is their own.
import type { HomeserverClient } from "../matrix/homeserver.js";
import { createSynapseRequest, HomeserverError } from "../matrix/synapseRequest.js";
import { creatorsHaveImplicitPower } from "./partnerMatrix.js";

export interface BotRoomsMatrixDeps {
  homeserverUrl: string;
  asToken: string;
  botUserId: string;
  /** Only for the default room version. */
  homeserver: Pick<HomeserverClient, "defaultRoomVersion">;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** One room only our bot writes: what tells the kinds apart. */
export interface BotOnlyRoom {
  name: string;
  topic: string;
  /** `m.room.create` content `type`. */
  roomType: string;
  /** A local alias, for rooms partners find by it. */
  aliasLocalpart?: string;
  invite: readonly string[];
  /** `m.room.server_acl` `allow` entries, as they are to be written. */
  serverAcl: readonly string[];
  /** From the invite on: see domain/botRoomHistory.ts for why not "joined". */
  historyVisibility: "invited";
}

export const roomPath = (roomId: string) =>
  `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Refusals that mean "not invited / not allowed / no such room", as opposed to a server that is
// down: the caller tries again next round either way, but these are not worth a warning.
export const isRefusal = (error: unknown) =>
  error instanceof HomeserverError && [403, 404].includes(error.status);

export function createBotRoomsMatrix({
  homeserverUrl,
  asToken,
  botUserId,
  homeserver,
  timeoutMs = 30_000,
  fetch = globalThis.fetch,
}: BotRoomsMatrixDeps) {
  const request = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  /** A client-server call as the bot (the appservice token); an empty body for writes. */
  const call = (method: string, path: string, body?: unknown) =>
    request(method, path, { body: body ?? (method === "GET" ? undefined : {}), token: asToken });

  return {
    call,

    /** Creates the room: invite-only, only our bot may send or change anything. */
    async createBotOnlyRoom(room: BotOnlyRoom): Promise<string> {
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
        name: room.name,
        topic: room.topic,
        ...(room.aliasLocalpart === undefined ? {} : { room_alias_name: room.aliasLocalpart }),
        creation_content: { type: room.roomType },
        invite: room.invite,
        power_level_content_override: powerLevels,
        initial_state: [
          {
            type: "m.room.history_visibility",
            state_key: "",
            content: { history_visibility: room.historyVisibility },
          },
          { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
          {
            type: "m.room.server_acl",
            state_key: "",
            content: { allow: room.serverAcl, deny: [], allow_ip_literals: false },
          },
        ],
      });
      if (typeof json.room_id !== "string") throw new Error("homeserver returned no room_id");
      return json.room_id;
    },

    /** The room an alias names; undefined when there is none or we may not know. */
    async resolveAlias(alias: string): Promise<string | undefined> {
      try {
        const json = await call(
          "GET",
          `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`,
        );
        return typeof json.room_id === "string" ? json.room_id : undefined;
      } catch (error) {
        if (isRefusal(error)) return undefined;
        throw error;
      }
    },

    async memberships(roomId: string): Promise<Map<string, string>> {
      const json = await call("GET", `${roomPath(roomId)}/members`);
      const members = new Map<string, string>();
      for (const event of Array.isArray(json.chunk) ? json.chunk : []) {
        if (!isRecord(event) || !isRecord(event.content)) continue;
        const { state_key: userId } = event;
        const { membership } = event.content;
        if (typeof userId === "string" && typeof membership === "string") {
          members.set(userId, membership);
        }
      }
      return members;
    },

    async invite(roomId: string, userId: string): Promise<void> {
      await call("POST", `${roomPath(roomId)}/invite`, { user_id: userId });
    },

    async kick(roomId: string, userId: string, reason: string): Promise<void> {
      await call("POST", `${roomPath(roomId)}/kick`, { user_id: userId, reason });
    },

    async leave(roomId: string): Promise<void> {
      await call("POST", `${roomPath(roomId)}/leave`);
    },
  };
}

export type BotRoomsMatrix = ReturnType<typeof createBotRoomsMatrix>;
