// The LiveKit SFU as the token service uses it: create a call's room through the server API
// (LiveKit runs with auto_create off, so only we make rooms) and sign join tokens with the
// API key LiveKit trusts.
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";
import { type LiveKitServer, LiveKitUnavailable } from "../domain/liveKit.js";

export interface LiveKitServerOptions {
  /** ws(s):// URL of LiveKit; its server API is the same host over http(s). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Per server API request. */
  timeoutMs?: number;
}

export function createLiveKitServer({
  url,
  apiKey,
  apiSecret,
  timeoutMs = 5_000,
}: LiveKitServerOptions): LiveKitServer {
  // The SDK turns ws(s):// into http(s):// itself. Failover only applies to LiveKit Cloud.
  const rooms = new RoomServiceClient(url, apiKey, apiSecret, {
    requestTimeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    failover: false,
  });

  return {
    url,
    async ensureRoom(room) {
      try {
        await rooms.createRoom({
          name: room.name,
          emptyTimeout: room.emptyTimeoutSeconds,
          departureTimeout: room.departureTimeoutSeconds,
        });
      } catch (error) {
        const timedOut =
          error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        const detail = error instanceof Error ? error.message : String(error);
        throw new LiveKitUnavailable(`LiveKit CreateRoom failed: ${detail}`, {
          timedOut,
          cause: error,
        });
      }
    },
    async mintJoinToken({ identity, grant, ttlSeconds }) {
      const token = new AccessToken(apiKey, apiSecret, { identity, ttl: ttlSeconds });
      token.addGrant({ ...grant });
      return token.toJwt();
    },
  };
}
