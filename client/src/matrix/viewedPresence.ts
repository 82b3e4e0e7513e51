/*
 * Presence for sliding sync. MSC4186 has no presence extension (Synapse serves none), so while
 * a room is on screen the presence of its members is asked for now and then
 * (`GET /presence/{userId}/status`) and handed to the SDK's users, where the presence feature
 * reads it as it reads presence from /sync v2.
 */
import type { MatrixClient, MatrixEvent, User } from "matrix-js-sdk";

/** The SDK classes this needs; loaded lazily with the rest of the SDK. */
export type PresenceSdk = {
  User: Pick<typeof User, "createUser">;
  MatrixEvent: new (event: object) => MatrixEvent;
};

/** How often a shown room's members' presence is asked for again. */
export const PRESENCE_POLL_MS = 15_000;
/** A first look soon after the room opens, when its members may only just have arrived. */
const FIRST_RETRY_MS = 2_000;

export class ViewedPresence {
  readonly #client: MatrixClient;
  readonly #sdk: PresenceSdk;
  readonly #viewed = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(client: MatrixClient, sdk: PresenceSdk) {
    this.#client = client;
    this.#sdk = sdk;
  }

  /** Keeps the members' presence of `roomId` fresh until the returned function is called. */
  view(roomId: string): () => void {
    this.#viewed.set(roomId, (this.#viewed.get(roomId) ?? 0) + 1);
    this.#schedule(0, FIRST_RETRY_MS);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#viewed.get(roomId) ?? 1) - 1;
      if (left > 0) this.#viewed.set(roomId, left);
      else this.#viewed.delete(roomId);
      if (this.#viewed.size === 0) this.#clearTimer();
    };
  }

  stop(): void {
    this.#stopped = true;
    this.#viewed.clear();
    this.#clearTimer();
  }

  #clearTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delay: number, next = PRESENCE_POLL_MS) {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#poll().finally(() => {
        if (!this.#stopped && this.#viewed.size > 0 && this.#timer === null) {
          this.#schedule(next);
        }
      });
    }, delay);
  }

  async #poll() {
    const me = this.#client.getUserId();
    const people = new Set<string>();
    for (const roomId of this.#viewed.keys()) {
      for (const member of this.#client.getRoom(roomId)?.getJoinedMembers() ?? []) {
        if (member.userId !== me) people.add(member.userId);
      }
    }
    await Promise.all([...people].map((userId) => this.#refresh(userId)));
  }

  async #refresh(userId: string) {
    let status: Awaited<ReturnType<MatrixClient["getPresence"]>>;
    try {
      status = await this.#client.getPresence(userId);
    } catch {
      // Not allowed to see it, or the server is unreachable: keep what is shown.
      return;
    }
    if (this.#stopped) return;
    const user = this.#client.getUser(userId) ?? this.#newUser(userId);
    user.setPresenceEvent(
      new this.#sdk.MatrixEvent({
        type: "m.presence",
        sender: userId,
        origin_server_ts: Date.now(),
        content: {
          presence: status.presence,
          ...(status.last_active_ago !== undefined && { last_active_ago: status.last_active_ago }),
          ...(status.currently_active !== undefined && {
            currently_active: status.currently_active,
          }),
          ...(status.status_msg !== undefined && { status_msg: status.status_msg }),
        },
      }),
    );
  }

  /** A user the client re-emits events of, as the SDK makes them for /sync v2's presence. */
  #newUser(userId: string): User {
    const user = this.#sdk.User.createUser(userId, this.#client);
    this.#client.store.storeUser(user);
    return user;
  }
}
