// The LiveKit SFU as the token service uses it: create a call's room through the server API
// (LiveKit runs with auto_create off, so only we make rooms) and sign join tokens with the
// API key LiveKit trusts.
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";
import type { CallGrant } from "../domain/rtcTokens.js";

export interface LiveKitRoomSettings {
  name: string;
  /** Seconds the room waits for its first participant before LiveKit closes it. */
  emptyTimeoutSeconds: number;
  /** Seconds the room outlives its last participant (time to rejoin after a drop). */
  departureTimeoutSeconds: number;
}

export interface LiveKitServer {
  /** The URL clients connect to (LIVEKIT_URL), returned with every token. */
  readonly url: string;
  /**
   * Creates the room unless it exists (LiveKit answers CreateRoom for an existing room with
   * that room, so concurrent joins are safe).
   * @throws LiveKitUnavailable
   */
  ensureRoom(room: LiveKitRoomSettings): Promise<void>;
  /** Signs a token for one participant identity with exactly `grant`. */
  mintJoinToken(participant: {
    identity: string;
    grant: CallGrant;
    ttlSeconds: number;
  }): Promise<string>;
}

/** LiveKit's server API failed or did not answer in time. */
export class LiveKitUnavailable extends Error {
  readonly timedOut: boolean;

  constructor(message: string, options: { timedOut: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "LiveKitUnavailable";
    this.timedOut = options.timedOut;
  }
}

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
