import { createSynapseRequest } from "./synapseRequest.js";

// Callers catch HomeserverError from here; it lives with the request plumbing.
export { HomeserverError } from "./synapseRequest.js";

/** Calls the bridge makes to its homeserver's client-server API, as the appservice. */
export interface HomeserverClient {
  /** Joins the appservice's bot to a room it was invited to. */
  joinRoom(roomIdOrAlias: string): Promise<{ roomId: string }>;
  /**
   * Asks the homeserver to ping us back on /_matrix/app/v1/ping (spec v1.7), proving both
   * directions and both tokens work. Resolves with the round-trip time the homeserver measured.
   */
  pingHomeserver(transactionId?: string): Promise<{ durationMs: number }>;
}

export interface HomeserverClientOptions {
  homeserverUrl: string;
  asToken: string;
  appserviceId: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createHomeserverClient({
  homeserverUrl,
  asToken,
  appserviceId,
  timeoutMs = 15_000,
  fetch = globalThis.fetch,
}: HomeserverClientOptions): HomeserverClient {
  const request = createSynapseRequest({ homeserverUrl, timeoutMs, fetch });
  // Every call sends a JSON body (even an empty one) and the appservice token.
  const call = (method: string, path: string, body: unknown) =>
    request(method, path, { body, token: asToken });

  return {
    async joinRoom(roomIdOrAlias) {
      const json = await call(
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`,
        {},
      );
      return { roomId: typeof json.room_id === "string" ? json.room_id : roomIdOrAlias };
    },
    async pingHomeserver(transactionId) {
      const json = await call(
        "POST",
        `/_matrix/client/v1/appservice/${encodeURIComponent(appserviceId)}/ping`,
        transactionId === undefined ? {} : { transaction_id: transactionId },
      );
      return { durationMs: typeof json.duration_ms === "number" ? json.duration_ms : Number.NaN };
    },
  };
}
