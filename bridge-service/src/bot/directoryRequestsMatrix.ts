// The Matrix calls of requests between organisations, as the bot with the appservice token.

import { aclHosts } from "../domain/directory.js";
import type { OrgRequestMatrix, OrgTimelineEvent } from "../domain/directoryRequests.js";
import { REQUEST_ROOM_TYPE } from "../domain/orgRequestEvents.js";
import {
  type BotRoomsMatrixDeps,
  createBotRoomsMatrix,
  isRecord,
  isRefusal,
  roomPath as room,
} from "./botRoomsMatrix.js";

export type OrgRequestMatrixDeps = BotRoomsMatrixDeps;

export function createOrgRequestMatrix(deps: OrgRequestMatrixDeps): OrgRequestMatrix {
  const rooms = createBotRoomsMatrix(deps);
  const { call } = rooms;

  return {
    createRequestRoom: ({ name, partnerBot, allowServers }) =>
      // Only our bot writes; the partner's bot reads, from its invite on (it may join late).
      rooms.createBotOnlyRoom({
        name,
        topic: "Xstream: partner requests between two organisations' learners.",
        roomType: REQUEST_ROOM_TYPE,
        invite: [partnerBot],
        serverAcl: aclHosts(allowServers),
        historyVisibility: "invited",
      }),

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
        if (isRefusal(error)) return undefined;
        throw error;
      }
    },

    memberships: rooms.memberships,
    invite: rooms.invite,
    kick: rooms.kick,
    leave: rooms.leave,

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
