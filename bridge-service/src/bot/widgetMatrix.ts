import type { WidgetRoomMatrix } from "../domain/widgetBackfill.js";
import { createSynapseRequest, HomeserverError } from "../matrix/synapseRequest.js";

export interface WidgetMatrixDeps {
  homeserverUrl: string;
  asToken: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const stateUrl = (roomId: string, type: string, stateKey: string) =>
  `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`;

/** Reads and writes the widget's room state as the bot, with the appservice token. */
export function createWidgetMatrix({
  homeserverUrl,
  asToken,
  timeoutMs = 15_000,
  fetch = globalThis.fetch,
}: WidgetMatrixDeps): WidgetRoomMatrix {
  const request = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  return {
    async stateContent(roomId, type, stateKey) {
      try {
        return await request("GET", stateUrl(roomId, type, stateKey), { token: asToken });
      } catch (error) {
        // The spec's answer for a state event the room never had.
        if (error instanceof HomeserverError && error.status === 404) return undefined;
        throw error;
      }
    },
    async putState(roomId, type, stateKey, content) {
      await request("PUT", stateUrl(roomId, type, stateKey), { body: content, token: asToken });
    },
  };
}
