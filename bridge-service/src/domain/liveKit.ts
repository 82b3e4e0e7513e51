// What issuing call tokens needs from the LiveKit SFU: the port, implemented with LiveKit's server
// SDK in livekit/liveKitServer.ts.
import type { CallGrant } from "./rtcTokens.js";

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
