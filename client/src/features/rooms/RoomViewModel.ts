import type { MatrixClient, Room } from "matrix-js-sdk";
import { forRoom, LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { partnerIn, roomName } from "../../matrix/roomNaming";
import { MatrixEvents } from "../../matrix/sdkValues";
import { botUserIdFor } from "../../matrix/xstreamBot";
import { describeError } from "../../ui/describeError";

/** Someone in the room, as the page lists them. */
export type RoomMemberView = { userId: string; displayName: string; avatarMxc?: string | null };

function joinedMembers(room: Room): RoomMemberView[] {
  return room
    .getJoinedMembers()
    .map((member) => ({ userId: member.userId, displayName: member.name || member.userId }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId));
}

export type RoomStatus =
  /** Matrix is not connected yet. */
  | "connecting"
  /** The client does not know the room yet (an invite on its way, or no access). */
  | "waiting"
  /** Invited, and joining. */
  | "joining"
  | "joined"
  /** Joining failed; `join()` tries again. */
  | "joinFailed"
  /** Left, kicked or banned. */
  | "notMember";

export type RoomSnapshot = {
  status: RoomStatus;
  roomId: string;
  /** Best known name; null until the room is known. */
  name: string | null;
  members: RoomMemberView[];
  /** The other person of a one-to-one room (a partner room), whose presence the header shows. */
  partner: RoomMemberView | null;
  /** Messages here are end-to-end encrypted (`m.room.encryption`). */
  encrypted: boolean;
  /** A partner room: the Xstream bot set it up for me and `partner` (it shows the exchange panel). */
  partnerRoom: boolean;
  joinError: string | null;
};

export function emptyRoomSnapshot(roomId: string, status: RoomStatus): RoomSnapshot {
  return {
    status,
    roomId,
    name: null,
    members: [],
    partner: null,
    encrypted: false,
    partnerRoom: false,
    joinError: null,
  };
}

/**
 * The state of one room for the room page, kept up to date from the signed-in client's events:
 * its name, joined members, partner and whether it is encrypted (the timeline has its own model). Joins automatically when the person is invited.
 * Listens only while someone is subscribed.
 */
export class RoomViewModel {
  readonly #client: MatrixClient;
  readonly #roomId: string;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #snapshot: RoomSnapshot;
  /** Set once an automatic join has been tried, so a failure does not loop. */
  #autoJoined = false;
  #joining = false;
  #joinError: string | null = null;

  constructor(client: MatrixClient, roomId: string) {
    this.#client = client;
    this.#roomId = roomId;
    this.#snapshot = this.#describe();
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): RoomSnapshot => this.#snapshot;

  /** Joins the room (done automatically on an invite; this is for trying again). */
  async join(): Promise<void> {
    if (this.#joining) return;
    this.#autoJoined = true;
    this.#joining = true;
    this.#joinError = null;
    this.#update();
    try {
      await this.#client.joinRoom(this.#roomId);
    } catch (error) {
      this.#joinError = `Couldn't join the room: ${describeError(error)}`;
    } finally {
      this.#joining = false;
      this.#update();
    }
  }

  #startListening(): () => void {
    const on = forRoom(this.#roomId, () => this.#update());
    const stop = listenTo(this.#client, [
      [MatrixEvents.Room, on.room],
      [MatrixEvents.Timeline, on.roomEvent],
      [MatrixEvents.TimelineReset, on.room],
      [MatrixEvents.LocalEchoUpdated, on.roomEvent],
      [MatrixEvents.Redaction, on.roomEvent],
      [MatrixEvents.RoomName, on.room],
      [MatrixEvents.MyMembership, on.room],
      [MatrixEvents.Members, on.state],
      [MatrixEvents.MemberName, on.member],
      [MatrixEvents.Membership, on.member],
    ]);
    // Things may have changed while nobody listened.
    this.#update();
    return stop;
  }

  #update() {
    const room = this.#client.getRoom(this.#roomId);
    if (room?.getMyMembership() === "invite" && !this.#autoJoined) {
      void this.join(); // Updates the snapshot itself.
      return;
    }
    this.#snapshot = this.#describe();
    this.#subscribers.notify();
  }

  #describe(): RoomSnapshot {
    const room = this.#client.getRoom(this.#roomId);
    const base = {
      ...emptyRoomSnapshot(this.#roomId, this.#status(room)),
      joinError: this.#joinError,
    };
    if (!room) return base;
    const me = this.#client.getUserId() ?? "";
    const partner = partnerIn(room, me);
    return {
      ...base,
      name: roomName(room, me),
      members: joinedMembers(room),
      partner: partner
        ? {
            userId: partner.userId,
            displayName: partner.name || partner.userId,
            avatarMxc: partner.getMxcAvatarUrl() ?? null,
          }
        : null,
      encrypted: room.hasEncryptionStateEvent(),
      partnerRoom: partner !== undefined && room.getCreator() === botUserIdFor(me),
    };
  }

  #status(room: Room | null): RoomStatus {
    const membership = room?.getMyMembership();
    if (membership === "join") return "joined";
    if (this.#joining) return "joining";
    if (this.#joinError !== null) return "joinFailed";
    if (membership === "invite") return "joining";
    return room ? "notMember" : "waiting";
  }
}
