import { vi } from "vitest";
import { RtcEvents } from "../../../matrix/rtcSdk";
import { FakeEmitter } from "../../../test/fakeEmitter";
import type { MembershipLike } from "../callMembers";
import {
  type CallMedia,
  type CallMediaFactory,
  DISCONNECTED_MEDIA,
  type MediaParticipant,
  type MediaSnapshot,
  type MediaTrackHandle,
} from "../media";

// Stand-ins for matrix-js-sdk's MatrixRTC session and client and for the livekit media, with
// only what the call code uses; tests drive them with the setters and `emit`.

export function fakeMembership(fields: {
  userId: string;
  deviceId?: string;
  createdTs?: number;
  callIntent?: string;
  serviceUrl?: string;
  eventId?: string;
}): MembershipLike {
  const deviceId = fields.deviceId ?? "DEVICE";
  const transport = fields.serviceUrl
    ? { type: "livekit", livekit_service_url: fields.serviceUrl }
    : undefined;
  return {
    userId: fields.userId,
    deviceId,
    rtcBackendIdentity: `${fields.userId}:${deviceId}`,
    callIntent: fields.callIntent,
    createdTs: () => fields.createdTs ?? 0,
    eventId: fields.eventId ?? `$member-${fields.userId}`,
    getTransport: () => transport,
  };
}

export class FakeRtcSession extends FakeEmitter {
  memberships: MembershipLike[] = [];
  readonly joinRTCSession = vi.fn();
  readonly leaveRoomSession = vi.fn(async () => true);
  readonly reemitEncryptionKeys = vi.fn();

  setMemberships(memberships: MembershipLike[]) {
    const old = this.memberships;
    this.memberships = memberships;
    this.emit(RtcEvents.MembershipsChanged, old, memberships);
  }
}

export type FakeMember = { userId: string; name: string; membership?: string };

/** A room with members; `encrypted` as its encryption state event says. */
export function fakeRoom(
  roomId: string,
  members: FakeMember[],
  options: {
    encrypted?: boolean;
    dmInviter?: string;
    name?: string;
    creator?: string;
    /** Power levels: who may send which state event; everyone may send anything by default. */
    powerLevels?: { users: Record<string, number>; events: Record<string, number> };
  } = {},
) {
  const powerLevels = options.powerLevels;
  const levelOf = (userId: string) => powerLevels?.users[userId] ?? 0;
  const roomMembers = members.map((member) => ({
    roomId,
    userId: member.userId,
    name: member.name,
    membership: member.membership ?? "join",
    getMxcAvatarUrl: () => undefined,
  }));
  return {
    roomId,
    name: options.name ?? roomId,
    getMember: (userId: string) => roomMembers.find((member) => member.userId === userId) ?? null,
    getMembers: () => roomMembers,
    getCreator: () => options.creator ?? members[0]?.userId ?? null,
    getDMInviter: () => options.dmInviter,
    getMyMembership: () => "join",
    hasEncryptionStateEvent: () => options.encrypted ?? false,
    currentState: {
      maySendStateEvent: (type: string, userId: string) =>
        !powerLevels || levelOf(userId) >= (powerLevels.events[type] ?? 50),
      getStateEvents: (type: string) =>
        type === "m.room.power_levels" && powerLevels ? { getContent: () => powerLevels } : null,
    },
    getLiveTimeline: () => ({ getState: () => ({ getStateEvents: () => null }) }),
  };
}

/** A track handle that remembers where it is attached. */
export function fakeTrack(id: string): MediaTrackHandle & { attachedTo: HTMLMediaElement[] } {
  const attachedTo: HTMLMediaElement[] = [];
  return {
    id,
    attachedTo,
    attach: (element) => void attachedTo.push(element),
    detach: (element) => void attachedTo.splice(attachedTo.indexOf(element), 1),
  };
}

export function fakeParticipant(
  identity: string,
  fields: Partial<MediaParticipant> = {},
): MediaParticipant {
  return {
    identity,
    isLocal: false,
    speaking: false,
    microphoneOn: true,
    camera: null,
    screenShare: null,
    audio: [],
    encrypted: false,
    ...fields,
  };
}

/** The media of one call: records what it was asked, in order, into `log`. */
export class FakeCallMedia implements CallMedia {
  readonly #listeners = new Set<() => void>();
  #snapshot: MediaSnapshot = DISCONNECTED_MEDIA;
  constructor(
    readonly log: string[],
    readonly options: { encrypted: boolean },
  ) {}

  readonly connect = vi.fn(async (sfu: { url: string; jwt: string }) => {
    this.log.push(`connect ${sfu.url} ${sfu.jwt}`);
    this.setSnapshot({ state: "connected", localIdentity: "me" });
  });
  readonly setMicrophoneEnabled = vi.fn(async (on: boolean) => {
    this.log.push(`microphone ${on}`);
    this.setSnapshot({ microphoneOn: on });
  });
  readonly setCameraEnabled = vi.fn(async (on: boolean) => {
    this.log.push(`camera ${on}`);
    this.setSnapshot({ cameraOn: on });
  });
  readonly setScreenShareEnabled = vi.fn(async (on: boolean) => {
    this.log.push(`screen ${on}`);
    this.setSnapshot({ screenSharing: on });
  });
  readonly listDevices = vi.fn(async () => [{ id: "mic-1", label: "Desk microphone" }]);
  readonly switchDevice = vi.fn(async () => {});
  readonly setEncryptionKey = vi.fn(async () => {});
  readonly disconnect = vi.fn(async () => {
    this.log.push("disconnect");
    this.setSnapshot(DISCONNECTED_MEDIA);
  });

  getSnapshot = () => this.#snapshot;
  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  setSnapshot(fields: Partial<MediaSnapshot>) {
    this.#snapshot = { ...this.#snapshot, ...fields };
    for (const listener of this.#listeners) listener();
  }
}

/** A media factory whose calls are FakeCallMedia; `created` holds them. */
export function fakeMediaFactory(log: string[], options: { encryption?: boolean } = {}) {
  const created: FakeCallMedia[] = [];
  const factory: CallMediaFactory = {
    create: (mediaOptions) => {
      const media = new FakeCallMedia(log, mediaOptions);
      created.push(media);
      return media;
    },
    supportsEncryption: () => options.encryption ?? true,
  };
  return { factory, created };
}

/** An OpenID token as Synapse gives it. */
export const OPENID_TOKEN = {
  access_token: "openid-secret",
  token_type: "Bearer" as const,
  matrix_server_name: "example.org",
  expires_in: 3600,
};

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

type FakeRoomValue = ReturnType<typeof fakeRoom>;

/** A client with rooms, one MatrixRTC session per room and the SDK's events. */
export function fakeCallsClient(myUserId: string, rooms: FakeRoomValue[]) {
  const sessions = new Map<string, FakeRtcSession>();
  const session = (roomId: string) => {
    let found = sessions.get(roomId);
    if (!found) {
      found = new FakeRtcSession();
      sessions.set(roomId, found);
    }
    return found;
  };
  const matrixRTC = Object.assign(new FakeEmitter(), {
    getRoomSession: (room: { roomId: string }) => session(room.roomId),
    getActiveRoomSession: (room: { roomId: string }) => {
      const found = sessions.get(room.roomId);
      return found && found.memberships.length > 0 ? found : undefined;
    },
  });
  const client = Object.assign(new FakeEmitter(), {
    matrixRTC,
    getUserId: () => myUserId,
    getDeviceId: () => "MYDEVICE",
    getRoom: (roomId: string) => rooms.find((room) => room.roomId === roomId) ?? null,
    getRooms: () => rooms,
    getAccountData: () => undefined,
    sendRtcDecline: vi.fn(async () => ({ event_id: "$decline" })),
    getOpenIdToken: vi.fn(async () => OPENID_TOKEN),
    _unstable_getRTCTransports: vi.fn(async (): Promise<unknown[]> => []),
    getCrypto: () => ({}),
  });
  return {
    client,
    session,
    /** A call starting in a room (the SDK's SessionStarted after its first membership). */
    startSession(roomId: string, memberships: MembershipLike[]) {
      session(roomId).setMemberships(memberships);
      matrixRTC.emit(RtcEvents.SessionStarted, roomId, session(roomId));
    },
    endSession(roomId: string) {
      session(roomId).setMemberships([]);
      matrixRTC.emit(RtcEvents.SessionEnded, roomId, session(roomId));
    },
  };
}

/** A live timeline event as the SDK hands it to `Room.timeline` listeners. */
export function fakeEvent(fields: {
  id: string;
  type: string;
  sender: string;
  roomId: string;
  content: Record<string, unknown>;
  ts?: number;
}) {
  return {
    getId: () => fields.id,
    getType: () => fields.type,
    getSender: () => fields.sender,
    getRoomId: () => fields.roomId,
    getContent: () => fields.content,
    getTs: () => fields.ts ?? 0,
  };
}
