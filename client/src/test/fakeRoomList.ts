import type { ICreateRoomOpts, MatrixClient } from "matrix-js-sdk";
import { vi } from "vitest";
import { FakeEmitter } from "./fakeEmitter";
import { FakeMatrixEvent, FakeRoom, FakeRoomMember } from "./fakeMatrixRoom";
import { FakeMatrixClient } from "./fakeMatrixSdk";

/**
 * Fakes for the room list: a room with unread counts, invites and its own events, and a client
 * with several rooms, `m.direct` account data, leaving and creating rooms.
 */

export const ME = "@ana:example.org";

/** A member with the membership event the SDK keeps (`member.events.member`). */
class FakeListMember extends FakeRoomMember {
  events: { member?: FakeMatrixEvent } = {};
}

let nextTs = Date.UTC(2025, 0, 6, 9, 0);

/** Increasing timestamps, one minute apart, for events whose order matters. */
export function later(): number {
  nextTs += 60_000;
  return nextTs;
}

export class FakeListRoom extends FakeRoom {
  counts = { total: 0, highlight: 0 };
  /** Who invited me with `is_direct` (kept after joining, like the SDK's prev_content). */
  directInviter: string | undefined;
  /** The room's own events (a FakeRoom has none; the list listens to these). */
  readonly #events = new FakeEmitter();

  constructor(
    roomId: string,
    options: { creator?: string; name?: string; explicitName?: string } = {},
  ) {
    super(roomId, { ...options, myUserId: ME, creator: options.creator ?? ME });
  }

  override setMember(userId: string, name: string, membership: string): string | undefined {
    if (this.members.has(userId)) return super.setMember(userId, name, membership);
    this.members.set(userId, new FakeListMember(this.roomId, userId, name, membership));
    return undefined;
  }

  /** I am invited by `inviter`, maybe to a direct chat. */
  invitedBy(inviter: string, inviterName: string, options: { direct?: boolean } = {}) {
    this.setMember(inviter, inviterName, "join");
    this.setMember(ME, "Ana Lima", "invite");
    const me = this.members.get(ME) as FakeListMember;
    me.events.member = new FakeMatrixEvent({
      type: "m.room.member",
      sender: inviter,
      stateKey: ME,
      content: { membership: "invite", ...(options.direct && { is_direct: true }) },
    });
    if (options.direct) this.directInviter = inviter;
    return this;
  }

  override getUnreadNotificationCount(type = "total") {
    return type === "highlight" ? this.counts.highlight : this.counts.total;
  }

  getLastActiveTimestamp() {
    return this.events.at(-1)?.getTs() ?? Number.MIN_SAFE_INTEGER;
  }

  getDMInviter() {
    return this.directInviter;
  }

  on(event: string, listener: (...args: unknown[]) => void) {
    this.#events.on(event, listener);
    return this;
  }

  off(event: string, listener: (...args: unknown[]) => void) {
    this.#events.off(event, listener);
    return this;
  }

  emit(event: string, ...args: unknown[]) {
    this.#events.emit(event, ...args);
  }

  /** New unread counts from a sync (or from reading the room elsewhere). */
  setCounts(total: number, highlight = 0) {
    this.counts = { total, highlight };
    this.emit("Room.UnreadNotifications", this.counts);
  }
}

export class FakeRoomListClient extends FakeMatrixClient {
  constructor(userId = ME) {
    super({ baseUrl: "http://localhost:3000", userId }, false);
  }

  /** New `m.direct` account data from a sync. */
  setDirect(content: Record<string, string[]>) {
    const event = new FakeMatrixEvent({ type: "m.direct", sender: ME, content });
    this.accountData.set("m.direct", event);
    this.emit("accountData", event);
  }

  /** Joins a room we are invited to; our join lands in its timeline, like the SDK's. */
  override joinRoom = vi.fn(async (roomId: string) => {
    const room = this.rooms.get(roomId);
    const me = this.getUserId() ?? "";
    if (room?.getMyMembership() !== "invite") throw new Error("M_FORBIDDEN: You are not invited");
    room.events.push(
      new FakeMatrixEvent({
        type: "m.room.member",
        sender: me,
        stateKey: me,
        content: { membership: "join" },
        ts: later(),
      }),
    );
    this.changeMembership(room, me, room.getMember(me)?.name ?? me, "join");
    return room;
  });

  /** Leaves (or declines), like the SDK once the homeserver said yes. */
  leave = vi.fn(async (roomId: string) => {
    const room = this.rooms.get(roomId);
    const me = this.getUserId() ?? "";
    if (!room) throw new Error("M_NOT_FOUND: Unknown room");
    this.changeMembership(room, me, room.getMember(me)?.name ?? me, "leave");
    return {};
  });

  createRoom = vi.fn(async (_options: ICreateRoomOpts) => ({ room_id: "!new:example.org" }));

  /** The SDK forgetting a room (after /forget, or a room that was never joined). */
  deleteRoom(roomId: string) {
    this.rooms.delete(roomId);
    this.emit("deleteRoom", roomId);
  }

  asClient() {
    return this as unknown as MatrixClient;
  }
}

/** A joined room with the given people (me included, joined). */
export function joinedRoom(
  roomId: string,
  people: Array<[userId: string, name: string]>,
  options: { explicitName?: string; name?: string; creator?: string } = {},
): FakeListRoom {
  const room = new FakeListRoom(roomId, options);
  room.setMember(ME, "Ana Lima", "join");
  for (const [userId, name] of people) room.setMember(userId, name, "join");
  return room;
}
