import { vi } from "vitest";

/**
 * Stand-ins for the matrix-js-sdk Room, RoomMember and MatrixEvent: only what the app reads,
 * with setters tests use to change them. A FakeMatrixClient holds them and emits the events.
 */

export class FakeRoomMember {
  constructor(
    readonly roomId: string,
    readonly userId: string,
    public name: string,
    public membership: string,
  ) {}
  /** Set by a typing notification (`RoomMember.typing`). */
  typing = false;
  /** From the room's power levels (the creator of a version 12 room has Infinity). */
  powerLevel = 0;
  /** The member's `mxc://` avatar, if they set one. */
  avatarUrl: string | undefined = undefined;
  getMxcAvatarUrl() {
    return this.avatarUrl;
  }
}

export type FakeEventFields = {
  /** Event id; local echoes have none until the server answers. */
  id?: string;
  txnId?: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  ts?: number;
  stateKey?: string;
  /** Local echo state (`MatrixEvent.status`); null once the server has the event. */
  status?: string | null;
  redacted?: boolean;
  /** An encrypted event: "failed" could not be decrypted, "pending" is still being decrypted. */
  decryption?: "failed" | "pending";
  roomId?: string;
};

let nextEvent = 1;

export class FakeMatrixEvent {
  readonly fields: FakeEventFields;
  sender: FakeRoomMember | null;
  status: string | null;

  constructor(fields: FakeEventFields, sender: FakeRoomMember | null = null) {
    this.fields = fields;
    this.sender = sender;
    this.status = fields.status ?? null;
  }

  getId() {
    return this.fields.id;
  }
  getTxnId() {
    return this.fields.txnId;
  }
  getType() {
    return this.fields.type;
  }
  getContent() {
    return this.fields.content;
  }
  getOriginalContent() {
    return this.fields.content;
  }
  getRoomId() {
    return this.fields.roomId;
  }
  isEncrypted() {
    return this.fields.decryption !== undefined;
  }
  isDecryptionFailure() {
    return this.fields.decryption === "failed";
  }
  /** Encrypted and not tried yet (the fake has no attempt in flight). */
  shouldAttemptDecryption() {
    return this.fields.decryption === "pending" && !this.isRedacted();
  }
  getSender() {
    return this.fields.sender;
  }
  getTs() {
    return this.fields.ts ?? Date.UTC(2025, 0, 6, 12, 0);
  }
  getStateKey() {
    return this.fields.stateKey;
  }
  isRedacted() {
    return this.fields.redacted ?? false;
  }
}

export class FakeRoom {
  readonly roomId: string;
  /** What the SDK would compute from the heroes. */
  name: string;
  readonly creator: string;
  readonly myUserId: string;
  readonly members = new Map<string, FakeRoomMember>();
  readonly events: FakeMatrixEvent[] = [];
  readonly state = new Map<string, FakeMatrixEvent>();
  /** Older events the server still has, oldest first; `paginateBack` moves them in. */
  readonly olderEvents: FakeMatrixEvent[] = [];
  /** The back-pagination token; null once the start of the room is loaded. */
  backToken: string | null = null;
  /** Where each user's read receipt points (user id → event id). */
  readonly receipts = new Map<string, string>();
  /**
   * Our local echoes while the client keeps them apart from the timeline
   * (`pendingEventOrdering: "detached"`); null when they sit in the timeline ("chronological").
   */
  pending: FakeMatrixEvent[] | null = null;

  constructor(
    roomId: string,
    options: { myUserId: string; creator: string; name?: string; explicitName?: string },
  ) {
    this.roomId = roomId;
    this.myUserId = options.myUserId;
    this.creator = options.creator;
    this.name = options.name ?? "Empty room";
    if (options.explicitName !== undefined) {
      this.state.set(
        "m.room.name|",
        new FakeMatrixEvent({
          type: "m.room.name",
          sender: options.creator,
          stateKey: "",
          content: { name: options.explicitName },
        }),
      );
    }
  }

  /** Adds or changes a member; returns the old membership. */
  setMember(userId: string, name: string, membership: string): string | undefined {
    const existing = this.members.get(userId);
    const old = existing?.membership;
    if (existing) {
      existing.name = name;
      existing.membership = membership;
    } else {
      this.members.set(userId, new FakeRoomMember(this.roomId, userId, name, membership));
    }
    return old;
  }

  /** Any event from a member, appended to the live timeline. */
  event(
    sender: string,
    type: string,
    content: Record<string, unknown>,
    extra: Partial<FakeEventFields> = {},
  ): FakeMatrixEvent {
    const event = new FakeMatrixEvent(
      { id: `$event${nextEvent++}`, type, sender, content, roomId: this.roomId, ...extra },
      this.members.get(sender) ?? null,
    );
    this.events.push(event);
    return event;
  }

  /** An `m.reaction` annotation of `targetId`. */
  reaction(sender: string, targetId: string, key: string, extra: Partial<FakeEventFields> = {}) {
    return this.event(
      sender,
      "m.reaction",
      { "m.relates_to": { rel_type: "m.annotation", event_id: targetId, key } },
      extra,
    );
  }

  /** An `m.replace` edit of `targetId`. */
  edit(sender: string, targetId: string, newBody: string, extra: Partial<FakeEventFields> = {}) {
    return this.event(
      sender,
      "m.room.message",
      {
        msgtype: "m.text",
        body: `* ${newBody}`,
        "m.new_content": { msgtype: "m.text", body: newBody },
        "m.relates_to": { rel_type: "m.replace", event_id: targetId },
      },
      extra,
    );
  }

  /** Redacts an event in place, like the SDK when the redaction arrives. */
  redact(event: FakeMatrixEvent) {
    event.fields.redacted = true;
    event.fields.content = {};
  }

  /** Moves `userId`'s read receipt to `eventId`. */
  setReadUpTo(userId: string, eventId: string) {
    this.receipts.set(userId, eventId);
  }

  /** Brings up to `limit` older events into the timeline; false once the start is reached. */
  paginateBack(limit: number): boolean {
    const page = this.olderEvents.splice(Math.max(0, this.olderEvents.length - limit));
    this.events.unshift(...page);
    if (this.olderEvents.length === 0) this.backToken = null;
    return this.backToken !== null;
  }

  /** A text message (or another msgtype) from a member, appended to the live timeline. */
  message(
    sender: string,
    body: string,
    extra: Partial<FakeEventFields> & { msgtype?: string } = {},
  ): FakeMatrixEvent {
    const { msgtype = "m.text", ...fields } = extra;
    const event = new FakeMatrixEvent(
      {
        id: `$event${nextEvent++}`,
        type: "m.room.message",
        sender,
        content: { msgtype, body },
        roomId: this.roomId,
        ...fields,
      },
      this.members.get(sender) ?? null,
    );
    this.events.push(event);
    return event;
  }

  /** Like the SDK: only rooms of a client whose pending events are "detached" have the list. */
  getPendingEvents() {
    if (!this.pending) throw new Error("Cannot call getPendingEvents with chronological ordering");
    return this.pending;
  }
  hasEncryptionStateEvent() {
    return this.state.has("m.room.encryption|");
  }
  /** The room's `mxc://` avatar (`m.room.avatar`), if it has one. */
  avatarUrl: string | null = null;
  getMxcAvatarUrl() {
    return this.avatarUrl;
  }
  getMyMembership() {
    return this.members.get(this.myUserId)?.membership ?? "leave";
  }
  /** Nothing unread unless a test says so (the room list's fake counts). */
  getUnreadNotificationCount(_type = "total") {
    return 0;
  }
  getMembers() {
    return [...this.members.values()];
  }
  getMembersWithMembership(membership: string) {
    return this.getMembers().filter((member) => member.membership === membership);
  }

  /** The room state the app asks about: power levels for the members panel. */
  get currentState() {
    const state = this.state;
    const powerLevels = () =>
      (state.get("m.room.power_levels|")?.fields.content ?? {}) as Record<string, unknown>;
    return {
      getStateEvents: (type: string, stateKey: string) => state.get(`${type}|${stateKey}`) ?? null,
      hasSufficientPowerLevelFor: (action: string, level: number) => {
        const required = powerLevels()[action];
        return level >= (typeof required === "number" ? required : 50);
      },
    };
  }

  getJoinedMembers() {
    return this.getMembers().filter((member) => member.membership === "join");
  }
  getMember(userId: string) {
    return this.members.get(userId) ?? null;
  }
  getCreator() {
    return this.creator;
  }
  getUsersReadUpTo(event: FakeMatrixEvent) {
    return [...this.receipts].filter(([, id]) => id === event.getId()).map(([userId]) => userId);
  }
  getEventReadUpTo(userId: string) {
    return this.receipts.get(userId) ?? null;
  }
  getLiveTimeline() {
    return {
      getEvents: () => this.events,
      getPaginationToken: (direction: string) => (direction === "b" ? this.backToken : null),
      getState: () => ({
        getStateEvents: (type: string, stateKey: string) =>
          this.state.get(`${type}|${stateKey}`) ?? null,
      }),
    };
  }
}

/** What a FakeMatrixClient offers that the timeline helpers need (no import: no cycle). */
type TimelineHost = {
  rooms: Map<string, FakeRoom>;
  getUserId(): string | null;
  emit(event: string, ...args: unknown[]): void;
};

/**
 * The timeline calls of a MatrixClient, added to a fake client as spies: scroll-back, reactions,
 * redactions and read receipts, each behaving like the SDK once the server answered.
 */
export function withTimelineApi<C extends TimelineHost>(client: C) {
  const fn = vi.fn;
  const me = () => client.getUserId() ?? "";
  const api = {
    paginateEventTimeline: fn(
      async (_timeline: unknown, opts: { backwards?: boolean; limit?: number }) => {
        const room = [...client.rooms.values()].find((candidate) => candidate.backToken !== null);
        if (!room || !opts.backwards) return false;
        const more = room.paginateBack(opts.limit ?? 30);
        client.emit("Room.timeline", room.events[0], room, true, false, { liveEvent: false });
        return more;
      },
    ),
    sendEvent: fn(async (roomId: string, type: string, content: Record<string, unknown>) => {
      const room = client.rooms.get(roomId);
      if (!room) throw new Error("Unknown room");
      const event = room.event(me(), type, content);
      client.emit("Room.timeline", event, room, false, false, { liveEvent: true });
      return { event_id: event.getId() };
    }),
    redactEvent: fn(async (roomId: string, eventId: string) => {
      const room = client.rooms.get(roomId);
      const event = room?.events.find((candidate) => candidate.getId() === eventId);
      if (!room || !event) throw new Error("Unknown event");
      room.redact(event);
      client.emit("Room.redaction", event, room);
      return { event_id: `$redaction-of-${eventId}` };
    }),
    /** `m.fully_read` plus a public (`rrEvent`) or private (`rpEvent`) read receipt. */
    setRoomReadMarkers: fn(
      async (
        roomId: string,
        _fullyReadEventId: string,
        rrEvent?: FakeMatrixEvent,
        _rpEvent?: FakeMatrixEvent,
      ) => {
        const room = client.rooms.get(roomId);
        const id = rrEvent?.getId();
        if (room && id) room.setReadUpTo(me(), id);
        return {};
      },
    ),
    sendReadReceipt: fn(async (event: FakeMatrixEvent) => {
      const room = client.rooms.get(event.getRoomId() ?? "");
      const id = event.getId();
      if (room && id) room.setReadUpTo(me(), id);
      return {};
    }),
  };
  return Object.assign(client, api);
}
