import type { MatrixClient } from "matrix-js-sdk";
import { forRoom, LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { MatrixEvents } from "../../matrix/sdkValues";
import { isMatrixUserId } from "../../matrix/userIds";
import { describeError } from "../../ui/describeError";
import { EMPTY_ROSTER, type Roster, rosterOf } from "./roster";

/**
 * The people of one room, kept up to date from the client's events, and the two things the
 * members panel does: invite someone by Matrix ID and remove someone (kick, or withdraw an
 * invite). The server has the last word on power levels; its refusal is passed on as said.
 */
export class MembersViewModel {
  readonly #client: MatrixClient;
  readonly #roomId: string;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #roster: Roster;

  constructor(client: MatrixClient, roomId: string) {
    this.#client = client;
    this.#roomId = roomId;
    this.#roster = this.#describe();
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): Roster => this.#roster;

  /** Invites `userId`; resolves to an error for people, or null once invited. */
  async invite(userId: string): Promise<string | null> {
    const id = userId.trim();
    if (!isMatrixUserId(id)) return `"${id}" is not a Matrix ID. Use the form @name:server.`;
    if (this.#roster.joined.some((member) => member.userId === id)) {
      return "They are already in this room.";
    }
    if (this.#roster.invited.some((member) => member.userId === id)) {
      return "They are already invited.";
    }
    try {
      await this.#client.invite(this.#roomId, id);
      return null;
    } catch (error) {
      return `Couldn't invite ${id}: ${describeError(error)}`;
    }
  }

  /** Removes a member or withdraws an invite; resolves to an error for people, or null. */
  async remove(userId: string, why: string): Promise<string | null> {
    try {
      await this.#client.kick(this.#roomId, userId, why.trim() || undefined);
      return null;
    } catch (error) {
      return `Couldn't remove them: ${describeError(error)}`;
    }
  }

  #startListening(): () => void {
    const on = forRoom(this.#roomId, () => this.#update());
    const stop = listenTo(this.#client, [
      [MatrixEvents.Room, on.room],
      [MatrixEvents.MyMembership, on.room],
      [MatrixEvents.Members, on.state],
      [MatrixEvents.MemberName, on.member],
      [MatrixEvents.Membership, on.member],
      [MatrixEvents.PowerLevel, on.member],
    ]);
    this.#update();
    return stop;
  }

  #update() {
    this.#roster = this.#describe();
    this.#subscribers.notify();
  }

  #describe(): Roster {
    const room = this.#client.getRoom(this.#roomId);
    const me = this.#client.getUserId();
    return room && me ? rosterOf(room, me) : EMPTY_ROSTER;
  }
}
