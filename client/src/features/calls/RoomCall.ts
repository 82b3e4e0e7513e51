import type { MatrixClient, Room, RoomState } from "matrix-js-sdk";
import type { JoinSessionConfig, MatrixRTCSession } from "matrix-js-sdk/lib/matrixrtc";
import { LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { type CallIntent, RtcEvents } from "../../matrix/rtcSdk";
import { describeError } from "../../ui/describeError";
import { awaitAnswer } from "./answerWatch";
import { type CallPerson, callIntentOf, type MembershipLike, peopleInCall } from "./callMembers";
import { CallRefusedError, ensureCallPermission } from "./callPermission";
import { type CallTile, callTiles } from "./callTiles";
import { discoverLivekitFocus, isLivekitFocus, type LivekitFocus } from "./focus";
import {
  type CallMedia,
  type CallMediaFactory,
  type DeviceKind,
  type DeviceOption,
  DISCONNECTED_MEDIA,
  type MediaConnectionState,
  type MediaSnapshot,
  type MediaTrackHandle,
} from "./media";
import { forwardMediaKeys } from "./mediaKeys";
import { requestSfuConfig } from "./sfuConfig";

export { CallRefusedError } from "./callPermission";
export type { CallTile } from "./callTiles";

/** The parts of the Matrix client a call uses. */
export type CallClient = Pick<
  MatrixClient,
  | "getUserId"
  | "getDeviceId"
  | "getOpenIdToken"
  | "_unstable_getRTCTransports"
  | "getCrypto"
  | "sendStateEvent"
  | "on"
  | "off"
>;

/** The parts of a room's MatrixRTC session a call uses. */
export type RtcSessionLike = Pick<
  MatrixRTCSession,
  "joinRTCSession" | "leaveRoomSession" | "on" | "off" | "reemitEncryptionKeys"
> & { readonly memberships: readonly MembershipLike[] };

export type RoomCallDeps = {
  client: CallClient;
  room: Pick<Room, "roomId" | "getMember" | "hasEncryptionStateEvent"> & {
    currentState: Pick<RoomState, "maySendStateEvent" | "getStateEvents">;
  };
  session: RtcSessionLike;
  /** livekit-client, loaded on the first join. */
  loadMedia: () => Promise<CallMediaFactory>;
  fetch: typeof fetch;
  /** Where `/.well-known/matrix/client` is, for finding the call service. */
  origin: string;
  now: () => number;
};

export type JoinOptions = {
  intent: CallIntent;
  /**
   * The other person of a one-to-one room, whom a call we start rings: we hang up if they
   * decline or do not answer. Null in a group, where a call only notifies.
   */
  ringing: string | null;
};

export type CallPhase = "idle" | "joining" | "joined" | "leaving";

export type RoomCallSnapshot = {
  roomId: string;
  /** Who is in the room's call, whether or not we are. */
  people: CallPerson[];
  /** The kind of call that is on; null when none is. */
  intent: CallIntent | null;
  phase: CallPhase;
  /** When we joined (for the call's duration). */
  joinedAt: number | null;
  /** Our media connection while in the call. */
  connection: MediaConnectionState | null;
  /** What went wrong last, for people; cleared by the next join. */
  error: string | null;
  tiles: CallTile[];
  /** Everyone else's sound, to play. */
  remoteAudio: MediaTrackHandle[];
  microphoneOn: boolean;
  cameraOn: boolean;
  screenSharing: boolean;
  activeDevices: Record<DeviceKind, string | null>;
  /** Media is end-to-end encrypted (an encrypted room). */
  encrypted: boolean;
};

/** The session's membership and focus settings: the SDK's membership manager applies them. */
export const MEMBERSHIP_CONFIG = {
  // Our membership is backed by a delayed leave event (MSC4140) the server sends by itself when
  // we stop refreshing it: a closed tab or a lost connection leaves the call within this time.
  delayedLeaveEventDelayMs: 10_000,
  delayedLeaveEventRestartMs: 4_000,
  networkErrorRetryMs: 1_000,
  // The membership's own expiry, for clients that ignore delayed events: refreshed before it.
  membershipEventExpiryMs: 4 * 60 * 60 * 1000,
} satisfies JoinSessionConfig;

/** How long leaving waits for the homeserver before giving up (the delayed leave then acts). */
const LEAVE_TIMEOUT_MS = 5_000;

function deviceProblem(device: string, error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError") {
    return `Xstream isn't allowed to use your ${device}. Allow it in the browser's site settings.`;
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return `No ${device} was found.`;
  }
  return `Couldn't use your ${device}: ${describeError(error)}`;
}

/**
 * One room's call: who is in it (its MatrixRTC memberships) and, once we join, our part in it.
 * Joining gets an OpenID token from the homeserver, trades it for a LiveKit token at the call
 * service, connects to the SFU and publishes, and only then announces our membership, so others
 * never wait for someone who cannot connect. In an encrypted room media is end-to-end encrypted
 * with per-participant keys that the SDK exchanges over encrypted to-device messages.
 */
export class RoomCall {
  readonly roomId: string;
  readonly #deps: RoomCallDeps;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #snapshot: RoomCallSnapshot;
  #phase: CallPhase = "idle";
  #error: string | null = null;
  #joinedAt: number | null = null;
  #encrypted = false;
  #media: CallMedia | null = null;
  #stopCall: (() => void)[] = [];
  /** Bumped by each join and leave, so a join that was left meanwhile stops where it is. */
  #attempt = 0;

  constructor(deps: RoomCallDeps) {
    this.#deps = deps;
    this.roomId = deps.room.roomId;
    this.#snapshot = this.#describe();
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): RoomCallSnapshot => this.#snapshot;

  /** Joins (or starts) the room's call. Never rejects: a failure is the snapshot's `error`. */
  async join({ intent, ringing }: JoinOptions): Promise<void> {
    if (this.#phase !== "idle") return;
    const attempt = ++this.#attempt;
    const { client, room, session } = this.#deps;
    const userId = client.getUserId();
    const deviceId = client.getDeviceId();
    this.#phase = "joining";
    this.#error = null;
    this.#encrypted = room.hasEncryptionStateEvent();
    this.#update();
    try {
      if (!userId || !deviceId) throw new CallRefusedError("Matrix is not connected yet.");
      // Fetched while the tokens are requested.
      const factoryLoading = this.#deps.loadMedia();
      factoryLoading.catch(() => undefined);
      if (this.#encrypted && !client.getCrypto()) {
        throw new CallRefusedError(
          "This chat is end-to-end encrypted, but encryption isn't available in this tab, so the call could not be encrypted. Calls in encrypted chats work where your encrypted messages do.",
        );
      }
      await ensureCallPermission(client, room, userId);
      const focus = this.#focusInUse() ?? (await this.#discoverFocus());
      const openIdToken = await client.getOpenIdToken();
      if (attempt !== this.#attempt) return;
      // Our membership is a m.call.member state event, whose LiveKit identity is
      // `@user:server:DEVICE`: the token must come from the endpoint that gives that identity.
      const sfu = await requestSfuConfig(
        this.#deps.fetch,
        focus.livekit_service_url,
        { kind: "legacy", roomId: this.roomId, deviceId },
        openIdToken,
      );
      const factory = await factoryLoading;
      if (attempt !== this.#attempt) return;
      if (this.#encrypted && !factory.supportsEncryption()) {
        throw new CallRefusedError(
          "This chat is end-to-end encrypted, and this browser can't encrypt call media. Try a current Chrome, Edge, Firefox or Safari.",
        );
      }
      const media = factory.create({ encrypted: this.#encrypted });
      this.#media = media;
      this.#stopCall.push(media.subscribe(() => this.#onMediaChanged(attempt)));
      if (this.#encrypted) this.#stopCall.push(forwardMediaKeys(session, media));
      await media.connect(sfu);
      if (attempt !== this.#attempt) return;
      await this.#publish(media, intent);
      if (attempt !== this.#attempt) return;

      this.#stopCall.push(
        listenTo(session, [
          [RtcEvents.MembershipManagerError, (error: unknown) => this.#onMembershipLost(error)],
        ]),
      );
      session.joinRTCSession(
        { userId, deviceId, memberId: `${userId}:${deviceId}` },
        // Element Call's legacy fields: the alias lets older clients find the SFU room.
        [{ ...focus, livekit_alias: this.roomId }],
        undefined,
        {
          ...MEMBERSHIP_CONFIG,
          callIntent: intent,
          notificationType: ringing !== null ? "ring" : "notification",
          manageMediaKeys: this.#encrypted,
        },
      );
      if (this.#encrypted) session.reemitEncryptionKeys();
      if (ringing !== null) {
        this.#stopCall.push(
          awaitAnswer({
            client,
            session,
            room,
            myUserId: userId,
            calleeId: ringing,
            stillInCall: () => this.#phase === "joined",
            hangUp: (why) => {
              this.#error = why;
              void this.leave();
            },
          }),
        );
      }
      this.#phase = "joined";
      this.#joinedAt = this.#deps.now();
      this.#update();
    } catch (error) {
      if (attempt !== this.#attempt) return;
      await this.#endCall();
      this.#phase = "idle";
      this.#error =
        error instanceof CallRefusedError
          ? error.message
          : `Couldn't join the call: ${describeError(error)}`;
      this.#update();
    }
  }

  /** Leaves the call: stops our media, leaves the SFU and ends our membership. Never rejects. */
  async leave(): Promise<void> {
    if (this.#phase === "idle" || this.#phase === "leaving") return;
    this.#attempt++;
    this.#phase = "leaving";
    this.#update();
    await this.#endCall();
    this.#phase = "idle";
    this.#joinedAt = null;
    this.#update();
  }

  async setMicrophoneEnabled(on: boolean): Promise<void> {
    await this.#withMedia((media) => media.setMicrophoneEnabled(on), "microphone");
  }

  async setCameraEnabled(on: boolean): Promise<void> {
    await this.#withMedia((media) => media.setCameraEnabled(on), "camera");
  }

  async setScreenShareEnabled(on: boolean): Promise<void> {
    await this.#withMedia(async (media) => {
      try {
        await media.setScreenShareEnabled(on);
      } catch (error) {
        // Closing the browser's picker is a choice, not a problem.
        if (error instanceof Error && error.name === "NotAllowedError") return;
        throw error;
      }
    }, "screen");
  }

  async listDevices(kind: DeviceKind): Promise<DeviceOption[]> {
    return (await this.#media?.listDevices(kind)) ?? [];
  }

  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    await this.#withMedia(
      (media) => media.switchDevice(kind, deviceId),
      kind === "audioinput" ? "microphone" : "camera",
    );
  }

  /** Forgets the last error (the person dismissed it). */
  dismissError(): void {
    this.#error = null;
    this.#update();
  }

  async #withMedia(action: (media: CallMedia) => Promise<void>, device: string): Promise<void> {
    const media = this.#media;
    if (!media || this.#phase !== "joined") return;
    try {
      await action(media);
      if (this.#error !== null) this.#error = null;
    } catch (error) {
      this.#error = deviceProblem(device, error);
    }
    this.#update();
  }

  /** Microphone always (it starts unmuted), camera in a video call; a refusal is not fatal. */
  async #publish(media: CallMedia, intent: CallIntent): Promise<void> {
    const problems: string[] = [];
    try {
      await media.setMicrophoneEnabled(true);
    } catch (error) {
      problems.push(deviceProblem("microphone", error));
    }
    if (intent === "video") {
      try {
        await media.setCameraEnabled(true);
      } catch (error) {
        problems.push(deviceProblem("camera", error));
      }
    }
    this.#error = problems.length > 0 ? problems.join(" ") : null;
  }

  /** The SFU of a call in progress: the oldest member's (everyone meets there). */
  #focusInUse(): LivekitFocus | null {
    const oldest = this.#deps.session.memberships[0];
    const transport = oldest?.getTransport(oldest);
    return isLivekitFocus(transport)
      ? { type: "livekit", livekit_service_url: transport.livekit_service_url }
      : null;
  }

  #discoverFocus(): Promise<LivekitFocus> {
    return discoverLivekitFocus({
      client: this.#deps.client,
      fetch: this.#deps.fetch,
      origin: this.#deps.origin,
    });
  }

  #onMediaChanged(attempt: number) {
    const state = this.#media?.getSnapshot().state;
    // LiveKit gave up reconnecting (or the SFU closed the room): we are no longer in the call.
    if (state === "disconnected" && this.#phase === "joined" && attempt === this.#attempt) {
      this.#error = "The connection to the call was lost.";
      void this.leave();
      return;
    }
    this.#update();
  }

  #onMembershipLost(error: unknown) {
    if (this.#phase !== "joined") return;
    this.#error = `Your place in the call could not be kept: ${describeError(error)}`;
    void this.leave();
  }

  async #endCall() {
    for (const stop of this.#stopCall.splice(0)) stop();
    const media = this.#media;
    this.#media = null;
    await Promise.allSettled([
      media?.disconnect(),
      this.#deps.session.leaveRoomSession(LEAVE_TIMEOUT_MS),
    ]);
  }

  #startListening(): () => void {
    const stop = listenTo(this.#deps.session, [
      [RtcEvents.MembershipsChanged, () => this.#update()],
    ]);
    this.#update();
    return stop;
  }

  #update() {
    this.#snapshot = this.#describe();
    this.#subscribers.notify();
  }

  #describe(): RoomCallSnapshot {
    const { client, room, session } = this.#deps;
    const memberships = session.memberships;
    const inCall = this.#phase !== "idle";
    const media: MediaSnapshot = (inCall && this.#media?.getSnapshot()) || DISCONNECTED_MEDIA;
    const { tiles, remoteAudio } = inCall
      ? callTiles(room, memberships, media, client.getUserId() ?? "", client.getDeviceId() ?? "")
      : { tiles: [], remoteAudio: [] };
    return {
      roomId: this.roomId,
      people: peopleInCall(room, memberships),
      intent: callIntentOf(memberships),
      phase: this.#phase,
      joinedAt: this.#joinedAt,
      connection: inCall && this.#media ? media.state : null,
      error: this.#error,
      tiles,
      remoteAudio,
      microphoneOn: media.microphoneOn,
      cameraOn: media.cameraOn,
      screenSharing: media.screenSharing,
      activeDevices: media.activeDevices,
      encrypted: inCall ? this.#encrypted : room.hasEncryptionStateEvent(),
    };
  }
}
