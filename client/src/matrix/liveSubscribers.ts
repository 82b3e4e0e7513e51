import type { MatrixEvent, Room } from "matrix-js-sdk";

/**
 * The subscribers of a view model over the Matrix client. The view model listens to the SDK only
 * while someone is subscribed: `start` runs when the first subscriber arrives and returns how to
 * stop, which runs when the last one leaves. Fits React's useSyncExternalStore.
 */
export class LiveSubscribers {
  readonly #listeners = new Set<() => void>();
  readonly #start: () => () => void;
  #stop: (() => void) | null = null;

  constructor(start: () => () => void) {
    this.#start = start;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#stop = this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#stop?.();
        this.#stop = null;
      }
    };
  };

  /** Someone is subscribed (the view model is listening to the SDK). */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Tells every subscriber the snapshot changed. */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: SDK listeners take event-specific arguments.
type AnyListener = (...args: any[]) => void;

/** An SDK event name and what to do on it. */
export type SdkSubscription = readonly [event: string, listener: AnyListener];

interface Emitter {
  on(event: string, listener: AnyListener): unknown;
  off(event: string, listener: AnyListener): unknown;
}

/** Attaches every listener to `emitter`; returns a function that detaches them all. */
export function listenTo(emitter: unknown, subscriptions: readonly SdkSubscription[]): () => void {
  const target = emitter as Emitter;
  for (const [event, listener] of subscriptions) target.on(event, listener);
  return () => {
    for (const [event, listener] of subscriptions) target.off(event, listener);
  };
}

/**
 * A `Room.timeline` listener that passes on only events newly arrived at the live end of a room's
 * timeline: not history being paginated in, not events being removed.
 */
export function newLiveEvents(handle: (event: MatrixEvent, room: Room) => void) {
  return (
    event: MatrixEvent,
    room: Room | undefined,
    toStartOfTimeline: boolean | undefined,
    removed: boolean,
    data: { liveEvent?: boolean } | undefined,
  ): void => {
    if (!room || toStartOfTimeline || removed || !data?.liveEvent) return;
    handle(event, room);
  };
}

/**
 * SDK listeners that run `update` only for events about one room, one per shape of SDK event:
 * a room (`Room`, `Room.myMembership`…), an event with its room (`Room.timeline`, `Room.receipt`…),
 * a member (`RoomMember.*`), a room state (`RoomState.members`) or an event alone (`Event.decrypted`).
 */
export function forRoom(roomId: string, update: () => void) {
  const ifThisRoom = (id: string | undefined) => {
    if (id === roomId) update();
  };
  return {
    room: (room: { roomId: string } | undefined) => ifThisRoom(room?.roomId),
    roomEvent: (_event: unknown, room: { roomId: string } | undefined) => ifThisRoom(room?.roomId),
    member: (_event: unknown, member: { roomId: string }) => ifThisRoom(member.roomId),
    state: (_event: unknown, state: { roomId: string }) => ifThisRoom(state.roomId),
    event: (event: { getRoomId(): string | undefined }) => ifThisRoom(event.getRoomId()),
  };
}
