// The Matrix calls of requests between organisations, as the bot with the appservice token.

import { aclHosts } from "../domain/directory.js";
import type { OrgRequestMatrix, OrgTimelineEvent } from "../domain/directoryRequests.js";
import { REQUEST_ROOM_TYPE } from "../domain/orgRequestEvents.js";
import type { HomeserverClient } from "../matrix/homeserver.js";
import { createSynapseRequest, HomeserverError } from "../matrix/synapseRequest.js";
import { creatorsHaveImplicitPower } from "./partnerMatrix.js";

export interface OrgRequestMatrixDeps {
  homeserverUrl: string;
  asToken: string;
  botUserId: string;
  homeserver: Pick<HomeserverClient, "defaultRoomVersion">;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const room = (roomId: string) => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function createOrgRequestMatrix({
  homeserverUrl,
  asToken,
  botUserId,
  homeserver,
  timeoutMs = 30_000,
  fetch = globalThis.fetch,
}: OrgRequestMatrixDeps): OrgRequestMatrix {
  const request = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  const call = (method: string, path: string, body?: unknown) =>
    request(method, path, { body: body ?? (method === "GET" ? undefined : {}), token: asToken });

  return {
    async createRequestRoom({ name, partnerBot, allowServers }) {
      // Only our bot writes; the partner's bot reads, from its invite on (it may join late).
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
        topic: "Xstream: partner requests between two organisations' learners.",
        creation_content: { type: REQUEST_ROOM_TYPE },
        invite: [partnerBot],
        power_level_content_override: powerLevels,
        initial_state: [
          {
            type: "m.room.history_visibility",
            state_key: "",
            content: { history_visibility: "invited" },
          },
          { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
          {
            type: "m.room.server_acl",
            state_key: "",
            content: { allow: aclHosts(allowServers), deny: [], allow_ip_literals: false },
          },
        ],
      });
      if (typeof json.room_id !== "string") throw new Error("homeserver returned no room_id");
      return json.room_id;
    },

    async roomCreation(roomId) {
      try {
        const json: unknown = await call("GET", `${room(roomId)}/state`);
        if (!Array.isArray(json)) return undefined;
        const create = (json as unknown[]).find(
          (event) => isRecord(event) && event.type === "m.room.create" && event.state_key === "",
        ) as Record<string, unknown> | undefined;
        if (!create || typeof create.sender !== "string" || !isRecord(create.content)) {
          return undefined;
        }
        return { creator: create.sender, type: create.content.type };
      } catch (error) {
        if (error instanceof HomeserverError && [403, 404].includes(error.status)) return undefined;
        throw error;
      }
    },

    async memberships(roomId) {
      const json = await call("GET", `${room(roomId)}/members`);
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

    async invite(roomId, userId) {
      await call("POST", `${room(roomId)}/invite`, { user_id: userId });
    },

    async kick(roomId, userId, reason) {
      await call("POST", `${room(roomId)}/kick`, { user_id: userId, reason });
    },

    async leave(roomId) {
      await call("POST", `${room(roomId)}/leave`);
    },

    async send(roomId, type, content, txnId) {
      await call(
        "PUT",
        `${room(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`,
        content,
      );
    },

    async recentEvents(roomId, limit) {
      const json = await call("GET", `${room(roomId)}/messages?dir=b&limit=${limit}`);
      const events: OrgTimelineEvent[] = [];
      for (const item of Array.isArray(json.chunk) ? json.chunk : []) {
        if (!isRecord(item) || item.state_key !== undefined) continue;
        const { event_id, type, sender, content } = item;
        if (
          typeof event_id === "string" &&
          typeof type === "string" &&
          typeof sender === "string" &&
          isRecord(content)
        ) {
          events.push({ eventId: event_id, type, sender, content });
        }
      }
      return events.reverse();
    },
  };
}
