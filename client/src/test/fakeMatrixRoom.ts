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
  getSender() {
    return this.fields.sender;
  }
  getTs() {
    return this.fields.ts ?? Date.UTC(2025, 0, 6, 18, 0);
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
        ...fields,
      },
      this.members.get(sender) ?? null,
    );
    this.events.push(event);
    return event;
  }

  getMyMembership() {
    return this.members.get(this.myUserId)?.membership ?? "leave";
  }
  getMembers() {
    return [...this.members.values()];
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
  getLiveTimeline() {
    return {
      getEvents: () => this.events,
      getState: () => ({
        getStateEvents: (type: string, stateKey: string) =>
          this.state.get(`${type}|${stateKey}`) ?? null,
      }),
    };
  }
}
