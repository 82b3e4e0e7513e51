import type { ICreateClientOpts, IStartClientOpts, MatrixClient } from "matrix-js-sdk";
import { vi } from "vitest";
import { FakeRtcSession } from "../features/calls/testing/fakeCalls";
import type { MatrixSdk } from "../matrix/MatrixConnection";
import { FakeEmitter } from "./fakeEmitter";
import { FakeMatrixEvent, FakeRoom } from "./fakeMatrixRoom";

/** What `client.getUser` knows of someone's presence. */
export class FakeUser {
  presence = "offline";
  currentlyActive = false;
  /** When the presence arrived (0: never). */
  lastPresenceTs = 0;
  lastActiveAgo = 0;
  constructor(readonly userId: string) {}
  getLastActiveTs() {
    return this.lastPresenceTs - this.lastActiveAgo;
  }
}

/** A stand-in for a matrix-js-sdk MatrixClient: records what it was asked and emits on demand. */
export class FakeMatrixClient extends FakeEmitter {
  readonly options: ICreateClientOpts;
  readonly startOptions: IStartClientOpts[] = [];
  stopped = false;
  readonly rooms = new Map<string, FakeRoom>();
  /** MatrixRTC as the real client has it: one session per room, no call until a test starts one. */
  readonly rtcSessions = new Map<string, FakeRtcSession>();
  readonly matrixRTC = Object.assign(new FakeEmitter(), {
    getRoomSession: (room: { roomId: string }) => {
      let session = this.rtcSessions.get(room.roomId);
      if (!session) {
        session = new FakeRtcSession();
        this.rtcSessions.set(room.roomId, session);
      }
      return session;
    },
    getActiveRoomSession: (room: { roomId: string }) => {
      const session = this.rtcSessions.get(room.roomId);
      return session && session.memberships.length > 0 ? session : undefined;
    },
  });
  constructor(options: ICreateClientOpts, autoSync: boolean) {
    super();
    this.options = options;
    if (autoSync) {
      this.startClient = vi.fn(async (opts: IStartClientOpts) => {
        this.startOptions.push(opts);
        // Like the SDK: the first sync arrives some time after startClient.
        setTimeout(() => this.emit("sync", "PREPARED"), 0);
      });
    }
  }

  startClient = vi.fn(async (opts: IStartClientOpts) => {
    this.startOptions.push(opts);
  });

  stopClient = vi.fn(() => {
    this.stopped = true;
  });

  /** The access token, once the login has answered (`setAccessToken`). */
  accessToken: string | null = null;
  setAccessToken = vi.fn((token: string) => {
    this.accessToken = token;
  });
  getAccessToken() {
    return this.accessToken ?? this.options.accessToken ?? null;
  }
  getVersions = vi.fn(async () => ({ versions: ["v1.11"] }));

  /** No push rules match unless a test says so: nothing becomes a browser notification. */
  pushRules: unknown = undefined;
  /** How often the push rules were asked of the homeserver. */
  pushRulesAsked = 0;
  getPushRules = async () => {
    this.pushRulesAsked++;
    return { global: {} };
  };
  getPushActionsForEvent = vi.fn((_event: unknown, _force?: boolean) => null as unknown);
  isInitialSyncComplete() {
    return true;
  }
  decryptEventIfNeeded = vi.fn(async (_event: unknown) => {});
  /** A sliding sync request (MSC4186): an empty answer. */
  slidingSync = vi.fn(async (_request: unknown, _baseUrl?: string, _signal?: AbortSignal) => ({
    pos: "1",
    lists: {},
    rooms: {},
    extensions: {},
  }));

  /** Turns on end-to-end encryption; tests make it fail with `mockRejectedValueOnce`. */
  initRustCrypto = vi.fn(
    async (_options?: { useIndexedDB?: boolean; cryptoDatabasePrefix?: string }) => {
      this.crypto = fakeCrypto();
    },
  );

  crypto: FakeCrypto | undefined = undefined;

  getCrypto() {
    return this.crypto;
  }

  setSyncPresence = vi.fn(async (_presence?: string) => {});
  setPresence = vi.fn(async (_options: { presence: string }) => {});

  /** Presence of other people, as `client.getUser` returns it (see `setPresenceOf`). */
  readonly users = new Map<string, FakeUser>();

  getUser(userId: string) {
    return this.users.get(userId) ?? null;
  }

  /** A presence update arriving in a sync (`User.presence`). */
  setPresenceOf(userId: string, presence: Partial<Omit<FakeUser, "userId">>) {
    const user = this.users.get(userId) ?? new FakeUser(userId);
    Object.assign(user, presence);
    this.users.set(userId, user);
    this.emit("User.presence", {}, user);
  }

  /** The user's account data by type (`client.getAccountData`). */
  readonly accountData = new Map<string, FakeMatrixEvent>();

  getAccountData(type: string) {
    return this.accountData.get(type);
  }

  /** Stores account data like the homeserver, then echoes it as the next sync would. */
  setAccountData = vi.fn(async (type: string, content: Record<string, unknown>) => {
    const event = new FakeMatrixEvent({ type, sender: this.getUserId() ?? "", content });
    this.accountData.set(type, event);
    this.emit("accountData", event);
    return {};
  });

  getUserId() {
    return this.options.userId ?? null;
  }

  getRooms(): unknown[] {
    return [...this.rooms.values()];
  }

  /** Like the SDK before the first sync. */
  getSyncState(): string | null {
    return null;
  }

  getRoom(roomId: string | undefined) {
    return (roomId && this.rooms.get(roomId)) || null;
  }

  /** Joins a room we are invited to, like the SDK once the homeserver said yes. */
  joinRoom = vi.fn(async (roomId: string) => {
    const room = this.rooms.get(roomId);
    const me = this.getUserId() ?? "";
    if (room?.getMyMembership() !== "invite") throw new Error("M_FORBIDDEN: You are not invited");
    this.changeMembership(room, me, room.getMember(me)?.name ?? me, "join");
    return room;
  });

  /** Sends like the SDK: a local echo now, then the server's event id. */
  sendTextMessage = vi.fn(async (roomId: string, body: string) => {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error("Unknown room");
    const me = this.getUserId() ?? "";
    const echo = room.message(me, body, { id: undefined, txnId: "~txn1", status: "sending" });
    this.emit("Room.timeline", echo, room, false, false, { liveEvent: true });
    const eventId = `$sent-${room.events.length}`;
    echo.fields.id = eventId;
    echo.status = null;
    this.emit("Room.localEchoUpdated", echo, room);
    return { event_id: eventId };
  });

  /** A room arriving in a sync (an invite, or a join from another device). */
  addRoom(room: FakeRoom) {
    this.rooms.set(room.roomId, room);
    this.emit("Room", room);
  }

  /** A live event arriving in a sync. */
  receive(room: FakeRoom, event: FakeMatrixEvent) {
    if (!room.events.includes(event)) room.events.push(event);
    this.emit("Room.timeline", event, room, false, false, { liveEvent: true });
  }

  /** A membership change arriving in a sync. */
  changeMembership(room: FakeRoom, userId: string, name: string, membership: string) {
    const old = room.setMember(userId, name, membership);
    this.emit("RoomMember.membership", {}, room.getMember(userId), old);
    if (userId === this.getUserId()) this.emit("Room.myMembership", room, membership, old);
  }

  /** What the SDK does when the homeserver answers M_UNKNOWN_TOKEN. */
  logOut() {
    this.emit("Session.logged_out", { errcode: "M_UNKNOWN_TOKEN" });
  }
}

/** A started client for `userId`, for tests of code that takes a MatrixClient. */
export function fakeMatrixClient(userId = "@ana:example.org"): FakeMatrixClient {
  return new FakeMatrixClient({ baseUrl: "http://localhost:3000", userId }, false);
}

export { FakeRoom };

/** A fake matrix-js-sdk module; `loadSdk` counts how often the app asked for it. */
export function fakeMatrixSdk({ autoSync = true } = {}) {
  const clients: FakeMatrixClient[] = [];
  const sdk = {
    createClient: (options: ICreateClientOpts) => {
      const client = new FakeMatrixClient(options, autoSync);
      clients.push(client);
      return client as unknown as MatrixClient;
    },
    ClientEvent: { Sync: "sync" },
    /** The sync filter, as a plain definition. */
    Filter: class {
      readonly definition: { room?: { timeline?: Record<string, unknown> } } = {};
      setTimelineLimit(limit: number) {
        this.definition.room = { timeline: { ...this.definition.room?.timeline, limit } };
      }
      setUnreadThreadNotifications(enabled: boolean) {
        this.definition.room = {
          timeline: { ...this.definition.room?.timeline, unread_thread_notifications: enabled },
        };
      }
      getDefinition() {
        return this.definition;
      }
    },
    HttpApiEvent: { SessionLoggedOut: "Session.logged_out" },
    SyncState: {
      Prepared: "PREPARED",
      Syncing: "SYNCING",
      Catchup: "CATCHUP",
      Reconnecting: "RECONNECTING",
      Error: "ERROR",
      Stopped: "STOPPED",
    },
  } as unknown as MatrixSdk;
  const loadSdk = vi.fn(async () => sdk);
  return { sdk, clients, loadSdk };
}

/** The part of the SDK's crypto the client touches outside encryption setup. */
export type FakeCrypto = {
  globalBlacklistUnverifiedDevices: boolean;
  isEncryptionEnabledInRoom: (roomId: string) => Promise<boolean>;
};

export function fakeCrypto(): FakeCrypto {
  return { globalBlacklistUnverifiedDevices: false, isEncryptionEnabledInRoom: async () => false };
}
