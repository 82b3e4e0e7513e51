import type {
  ClientEvent,
  EventType,
  ICreateRoomOpts,
  MatrixClient,
  MatrixEvent,
  Preset,
  Room,
  RoomEvent,
  RoomState,
} from "matrix-js-sdk";
import { LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { directRoomIds } from "../../matrix/roomNaming";
import { CALL_MEMBER_EVENT } from "../../matrix/rtcSdk";
import { MatrixEvents, sdkValue } from "../../matrix/sdkValues";
import { describeError } from "../../ui/describeError";
import { type CachedRoomList, saveCachedRoomList } from "./cachedRoomList";
import type { NewGroup } from "./newGroup";
import {
  byActivity,
  type InviteEntry,
  matchesFilter,
  type RoomListEntry,
  summarizeInvite,
  summarizeRoom,
} from "./roomSummary";

/** The SDK events that change what the room list shows, beyond the shared `MatrixEvents`. */
const ListEvents = {
  Receipt: sdkValue<RoomEvent.Receipt>("Room.receipt"),
  UnreadNotifications: sdkValue<RoomEvent.UnreadNotifications>("Room.UnreadNotifications"),
  AccountData: sdkValue<ClientEvent.AccountData>("accountData"),
  DeleteRoom: sdkValue<ClientEvent.DeleteRoom>("deleteRoom"),
  Sync: sdkValue<ClientEvent.Sync>("sync"),
} as const;

const PRIVATE_CHAT = sdkValue<Preset.PrivateChat>("private_chat");
const DIRECT = sdkValue<EventType.Direct>("m.direct");

export type RoomAction = "accepting" | "declining" | "leaving";

/**
 * The least time between two updates of the list while changes pour in: a few a second look
 * live, and each costs a render of the list.
 */
export const FLUSH_EVERY_MS = 150;

/** How often the list is kept for the next start while it changes (see `cachedRoomList`). */
const SAVE_EVERY_MS = 2_000;

export type RoomListViewModelOptions = {
  flushEveryMs?: number;
  /** Where the list is kept for the next start; by default this browser's storage. */
  save?: ((list: CachedRoomList) => void) | null;
};

export type RoomListSnapshot = {
  /**
   * "connecting" until there is a client to read rooms from; "cached" while what shows is the
   * list this browser kept from last time (see `cachedRoomList`).
   */
  status: "connecting" | "cached" | "ready";
  filter: string;
  /** Invites matching the filter, newest first. */
  invites: InviteEntry[];
  /** Joined one-to-one rooms matching the filter, latest activity first. */
  direct: RoomListEntry[];
  /** Joined group rooms matching the filter, latest activity first. */
  groups: RoomListEntry[];
  /** Invites and joined rooms before filtering, to tell "no rooms" from "no matches". */
  total: number;
  /** What is under way per room id. */
  pending: Readonly<Record<string, RoomAction>>;
  /** Why the last accept or decline failed, for people. */
  error: string | null;
  /**
   * The client had finished its first sync when this list was made: it lists everything that
   * sync brought, so it may replace a list shown meanwhile (cached, or the sliding sync preview)
   * without showing fewer rooms for a moment.
   */
  synced: boolean;
};

export function emptyRoomListSnapshot(status: RoomListSnapshot["status"]): RoomListSnapshot {
  return {
    status,
    filter: "",
    invites: [],
    direct: [],
    groups: [],
    total: 0,
    pending: {},
    error: null,
    synced: false,
  };
}

/**
 * The signed-in person's rooms for the room list, kept up to date from the client's events:
 * invites, and joined rooms with name, latest message, unread and mention counts, as direct
 * rooms and groups, latest activity first. Also accepts, declines, leaves and creates rooms.
 *
 * A sync brings many events at once (hundreds of rooms after signing in, which the SDK adds one
 * by one with awaits in between), so changes are collected and applied at most once per
 * `flushEveryMs` (the first at once), and only the rooms that changed are summarised again:
 * applying them per room made a list of n rooms render n times while it filled.
 * Listens only while someone is subscribed.
 */
export class RoomListViewModel {
  readonly #client: MatrixClient;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #snapshot = emptyRoomListSnapshot("ready");
  readonly #rooms = new Map<string, RoomListEntry>();
  readonly #invites = new Map<string, InviteEntry>();
  readonly #dirty = new Set<string>();
  #allDirty = true;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** When collected changes were last applied (`performance.now()`), to space out the next. */
  #lastFlush = Number.NEGATIVE_INFINITY;
  readonly #flushEveryMs: number;
  readonly #save: ((list: CachedRoomList) => void) | null;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #filter = "";
  #pending: Record<string, RoomAction> = {};
  #error: string | null = null;

  constructor(client: MatrixClient, options: RoomListViewModelOptions = {}) {
    this.#client = client;
    this.#flushEveryMs = options.flushEveryMs ?? FLUSH_EVERY_MS;
    const userId = client.getUserId();
    this.#save =
      options.save !== undefined
        ? options.save
        : userId
          ? (list) => saveCachedRoomList(userId, list)
          : null;
    this.#refresh();
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): RoomListSnapshot => this.#snapshot;

  /** Shows only rooms whose name contains `text` (ignoring case and accents). */
  setFilter(text: string): void {
    this.#filter = text;
    this.#publish();
  }

  async accept(roomId: string): Promise<void> {
    await this.#act(roomId, "accepting", () => this.#client.joinRoom(roomId), "accept the invite");
  }

  async decline(roomId: string): Promise<void> {
    await this.#act(roomId, "declining", () => this.#client.leave(roomId), "decline the invite");
  }

  /** Leaves a joined room; resolves to why it failed, or null once left. */
  async leave(roomId: string): Promise<string | null> {
    return this.#act(roomId, "leaving", () => this.#client.leave(roomId), "leave the room");
  }

  /** Creates a private group and invites people; resolves to its room id. Rejects on failure. */
  async createGroup(group: NewGroup): Promise<string> {
    const options: ICreateRoomOpts = {
      name: group.name,
      preset: PRIVATE_CHAT,
      invite: group.invite,
      ...(group.topic !== null && { topic: group.topic }),
      // Every member may start or join a call (as Element does for rooms it creates).
      power_level_content_override: { events: { [CALL_MEMBER_EVENT]: 0 } },
    };
    try {
      const { room_id } = await this.#client.createRoom(options);
      return room_id;
    } catch (error) {
      throw new Error(`Couldn't create the group: ${describeError(error)}`);
    }
  }

  async #act(
    roomId: string,
    action: RoomAction,
    run: () => Promise<unknown>,
    what: string,
  ): Promise<string | null> {
    if (this.#pending[roomId]) return null;
    this.#pending = { ...this.#pending, [roomId]: action };
    this.#error = null;
    this.#publish();
    let problem: string | null = null;
    try {
      await run();
    } catch (error) {
      problem = `Couldn't ${what}: ${describeError(error)}`;
    }
    const { [roomId]: _done, ...rest } = this.#pending;
    this.#pending = rest;
    if (problem && action !== "leaving") this.#error = problem;
    // The room moved (invite → joined, gone) without waiting for the sync to say so.
    this.#dirty.add(roomId);
    this.#refresh();
    return problem;
  }

  #startListening(): () => void {
    const client = this.#client;
    // Unread counts change on the room alone: the client does not pass that event on.
    const countWatchers = new Map<Room, () => void>();
    const watchCounts = (room: Room) => {
      if (countWatchers.has(room)) return;
      const onCounts = () => this.#markDirty(room.roomId);
      room.on(ListEvents.UnreadNotifications, onCounts);
      countWatchers.set(room, onCounts);
    };
    const onRoom = (room: Room | undefined) => {
      if (!room) return;
      watchCounts(room);
      this.#markDirty(room.roomId);
    };
    const onRoomEvent = (_event: MatrixEvent, room: Room | undefined) => onRoom(room);
    const onMembers = (_event: MatrixEvent, state: RoomState) => this.#markDirty(state.roomId);
    const onAccountData = (event: MatrixEvent) => {
      if (event.getType() === DIRECT) this.#markAllDirty();
    };
    const onDeleteRoom = (roomId: string) => this.#markDirty(roomId);
    // The first sync is complete: say so with the rooms it brought (the last may still wait to
    // be applied).
    const onSync = () => {
      if (!this.#snapshot.synced && client.isInitialSyncComplete()) this.#scheduleFlush();
    };

    for (const room of client.getRooms()) watchCounts(room);
    const stop = listenTo(client, [
      [MatrixEvents.Room, onRoom],
      [MatrixEvents.Timeline, onRoomEvent],
      [MatrixEvents.TimelineReset, onRoom],
      [MatrixEvents.LocalEchoUpdated, onRoomEvent],
      [MatrixEvents.Redaction, onRoomEvent],
      [MatrixEvents.RoomName, onRoom],
      [MatrixEvents.MyMembership, onRoom],
      [MatrixEvents.Members, onMembers],
      [ListEvents.Receipt, onRoomEvent],
      [ListEvents.AccountData, onAccountData],
      [ListEvents.DeleteRoom, onDeleteRoom],
      [ListEvents.Sync, onSync],
    ]);
    // Things may have changed while nobody listened.
    this.#markAllDirty();
    return () => {
      stop();
      for (const [room, onCounts] of countWatchers) {
        room.off(ListEvents.UnreadNotifications, onCounts);
      }
    };
  }

  #markDirty(roomId: string) {
    this.#dirty.add(roomId);
    this.#scheduleFlush();
  }

  #markAllDirty() {
    this.#allDirty = true;
    this.#scheduleFlush();
  }

  #scheduleFlush() {
    if (this.#flushTimer !== undefined) return;
    const wait = Math.max(0, this.#lastFlush + this.#flushEveryMs - performance.now());
    this.#flushTimer = setTimeout(() => {
      this.#lastFlush = performance.now();
      this.#refresh();
    }, wait);
  }

  /** Summarises the rooms that changed, then publishes. */
  #refresh() {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const client = this.#client;
    const me = client.getUserId() ?? "";
    const direct = directRoomIds(client.getAccountData(DIRECT)?.getContent());
    const rooms = this.#allDirty
      ? client.getRooms()
      : [...this.#dirty].flatMap((roomId) => client.getRoom(roomId) ?? []);
    if (this.#allDirty) {
      this.#rooms.clear();
      this.#invites.clear();
    } else {
      for (const roomId of this.#dirty) {
        this.#rooms.delete(roomId);
        this.#invites.delete(roomId);
      }
    }
    this.#allDirty = false;
    this.#dirty.clear();
    for (const room of rooms) {
      const membership = room.getMyMembership();
      if (membership === "join") this.#rooms.set(room.roomId, summarizeRoom(room, me, direct));
      else if (membership === "invite") {
        this.#invites.set(room.roomId, summarizeInvite(room, me, direct));
      }
    }
    this.#publish();
  }

  #publish() {
    const filter = this.#filter;
    const joined = [...this.#rooms.values()]
      .filter((room) => matchesFilter(room.name, filter))
      .sort(byActivity);
    this.#snapshot = {
      status: "ready",
      filter,
      invites: [...this.#invites.values()]
        .filter((invite) => matchesFilter(invite.name, filter))
        .sort(byActivity),
      direct: joined.filter((room) => room.direct),
      groups: joined.filter((room) => !room.direct),
      total: this.#rooms.size + this.#invites.size,
      pending: this.#pending,
      error: this.#error,
      synced: this.#client.isInitialSyncComplete(),
    };
    this.#scheduleSave();
    this.#subscribers.notify();
  }

  /**
   * Keeps the list for the next start, a while after it changed. Never an empty one: before
   * the first sync the client has no rooms yet, which is not news.
   */
  #scheduleSave() {
    if (!this.#save || this.#saveTimer !== undefined || this.#rooms.size === 0) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      const joined = [...this.#rooms.values()].sort(byActivity);
      this.#save?.({
        direct: joined.filter((room) => room.direct),
        groups: joined.filter((room) => !room.direct),
        total: this.#rooms.size + this.#invites.size,
      });
    }, SAVE_EVERY_MS);
  }
}
