import { createSynapseRequest, HomeserverError } from "./synapseRequest.js";

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
  /**
   * Sends an `m.room.message` as the bot. The homeserver sends one event per `txnId`, so a
   * retry with the same id is harmless. Resolves with the event id.
   */
  sendMessage(
    roomId: string,
    content: Record<string, unknown>,
    txnId: string,
  ): Promise<{ eventId: string }>;
  /** Creates a room as the bot; `body` is a client-server `POST /createRoom` body. */
  createRoom(body: CreateRoomBody): Promise<string>;
  /** Any user's display name, local or remote; undefined when they have none or are unknown. */
  displayNameOf(userId: string): Promise<string | undefined>;
  /** The room version the homeserver gives new rooms (from /capabilities). */
  defaultRoomVersion(): Promise<string>;
  /** Sets the display name of the appservice's own user (the bot). */
  setBotDisplayName(userId: string, displayName: string): Promise<void>;
  /** Removes `userId` from a room as the bot, with a reason their client shows. */
  kick(roomId: string, userId: string, reason: string): Promise<void>;
}

/** The `POST /createRoom` fields the bridge uses; anything else in the spec may be added. */
export interface CreateRoomBody {
  preset?: "private_chat" | "trusted_private_chat" | "public_chat";
  is_direct?: boolean;
  invite?: string[];
  name?: string;
  topic?: string;
  room_version?: string;
  power_level_content_override?: Record<string, unknown>;
  initial_state?: { type: string; state_key: string; content: Record<string, unknown> }[];
  [field: string]: unknown;
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
  // Every call but a GET sends a JSON body (even an empty one) and the appservice token.
  const call = (method: string, path: string, body: unknown) =>
    request(method, path, { body, token: asToken });
  const get = (path: string) => request("GET", path, { token: asToken });

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
    async sendMessage(roomId, content, txnId) {
      const json = await call(
        "PUT",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`,
        content,
      );
      if (typeof json.event_id !== "string") throw new Error("homeserver returned no event_id");
      return { eventId: json.event_id };
    },
    async createRoom(body) {
      const json = await call("POST", "/_matrix/client/v3/createRoom", body);
      if (typeof json.room_id !== "string") throw new Error("homeserver returned no room_id");
      return json.room_id;
    },
    async displayNameOf(userId) {
      try {
        const json = await get(
          `/_matrix/client/v3/profile/${encodeURIComponent(userId)}/displayname`,
        );
        return typeof json.displayname === "string" && json.displayname !== ""
          ? json.displayname
          : undefined;
      } catch (error) {
        // No such user, or a user who never set a display name.
        if (error instanceof HomeserverError && error.status === 404) return undefined;
        throw error;
      }
    },
    async setBotDisplayName(userId, displayName) {
      await call("PUT", `/_matrix/client/v3/profile/${encodeURIComponent(userId)}/displayname`, {
        displayname: displayName,
      });
    },
    async kick(roomId, userId, reason) {
      await call("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, {
        user_id: userId,
        reason,
      });
    },
    async defaultRoomVersion() {
      const json = await get("/_matrix/client/v3/capabilities");
      const capabilities = json.capabilities as Record<string, unknown> | undefined;
      const versions = capabilities?.["m.room_versions"] as Record<string, unknown> | undefined;
      // The spec says to assume version 1 when the capability is missing.
      return typeof versions?.default === "string" ? versions.default : "1";
    },
  };
}
