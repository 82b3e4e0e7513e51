import type { EventType, MatrixClient } from "matrix-js-sdk";
import { LiveSubscribers } from "../../matrix/liveSubscribers";
import { directRoomIds } from "../../matrix/roomNaming";
import type { CallIntent } from "../../matrix/rtcSdk";
import { sdkValue } from "../../matrix/sdkValues";
import { directPartnerOf } from "./callMembers";
import {
  type IncomingCall,
  IncomingCalls,
  type IncomingCallsClient,
  type MissedCall,
} from "./IncomingCalls";
import { type CallMediaFactory, loadLivekitMedia } from "./media";
import { RoomCall, type RtcSessionLike } from "./RoomCall";
import { type Ringtone, WebAudioRingtone } from "./ringtone";

const DIRECT = sdkValue<EventType.Direct>("m.direct");

/** A call that ended without us hanging up, and why. */
export type EndedCall = { roomId: string; reason: string };

export type CallsSnapshot = {
  /** The call we are in (or joining, or leaving); one at a time. */
  active: RoomCall | null;
  /** The active call is shrunk to a bar, so the page under it can be used. */
  minimized: boolean;
  ringing: IncomingCall | null;
  missed: MissedCall[];
  ended: EndedCall | null;
};

export type CallsDeps = {
  client: MatrixClient;
  loadMedia?: () => Promise<CallMediaFactory>;
  fetch?: typeof fetch;
  origin?: string;
  now?: () => number;
  ringtone?: Ringtone;
  ringTimeoutMs?: number;
};

/**
 * The signed-in user's calls: one `RoomCall` per room (who is in its call; our part once we
 * join), the one call we are in, and incoming calls. Listens for incoming calls while someone
 * is subscribed (the call layer of the app frame).
 */
export class Calls {
  readonly #client: MatrixClient;
  readonly #loadMedia: () => Promise<CallMediaFactory>;
  readonly #fetch: typeof fetch;
  readonly #origin: string;
  readonly #now: () => number;
  readonly #roomCalls = new Map<string, RoomCall>();
  readonly #incoming: IncomingCalls;
  readonly #subscribers = new LiveSubscribers(() => this.#incoming.start());
  #active: RoomCall | null = null;
  #stopActive: (() => void) | null = null;
  #ended: EndedCall | null = null;
  #minimized = false;
  #snapshot: CallsSnapshot;

  constructor(deps: CallsDeps) {
    this.#client = deps.client;
    this.#loadMedia = deps.loadMedia ?? loadLivekitMedia;
    this.#fetch = deps.fetch ?? ((input, init) => fetch(input, init));
    this.#origin = deps.origin ?? globalThis.location.origin;
    this.#now = deps.now ?? Date.now;
    this.#incoming = new IncomingCalls({
      client: deps.client as unknown as IncomingCallsClient,
      ringtone: deps.ringtone ?? new WebAudioRingtone(),
      now: this.#now,
      inCall: (roomId) => this.#active?.roomId === roomId,
      onChange: () => this.#update(),
      timeoutMs: deps.ringTimeoutMs,
    });
    this.#snapshot = this.#describe();
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): CallsSnapshot => this.#snapshot;

  /** The room's call, or null while the client does not know the room. */
  roomCall(roomId: string): RoomCall | null {
    const existing = this.#roomCalls.get(roomId);
    if (existing) return existing;
    const room = this.#client.getRoom(roomId);
    if (!room) return null;
    const call = new RoomCall({
      client: this.#client,
      room,
      session: this.#client.matrixRTC.getRoomSession(room) as unknown as RtcSessionLike,
      loadMedia: this.#loadMedia,
      fetch: this.#fetch,
      origin: this.#origin,
      now: this.#now,
    });
    this.#roomCalls.set(roomId, call);
    return call;
  }

  /**
   * Starts or joins the room's call, leaving any other call first. The intent is the kind of
   * call to start; joining one that is on takes its kind unless told.
   */
  async join(roomId: string, intent?: CallIntent): Promise<void> {
    const call = this.roomCall(roomId);
    if (!call) return;
    this.#incoming.stopFor(roomId);
    if (this.#active && this.#active !== call) await this.#active.leave();
    const room = this.#client.getRoom(roomId);
    const me = this.#client.getUserId() ?? "";
    const partner =
      room &&
      directPartnerOf(room, me, directRoomIds(this.#client.getAccountData(DIRECT)?.getContent()));
    // Started before it becomes the active call, so the call is already joining when watched.
    const joining = call.join({
      intent: intent ?? call.getSnapshot().intent ?? "video",
      // Joining a call already on rings nobody (the SDK only notifies from the first member).
      ringing: call.getSnapshot().people.length === 0 ? (partner ?? null) : null,
    });
    this.#setActive(call);
    await joining;
  }

  /** Accepts the ringing call: joins it. */
  async accept(): Promise<IncomingCall | null> {
    const incoming = this.#incoming.accept();
    if (incoming) await this.join(incoming.roomId, incoming.intent);
    return incoming;
  }

  decline(): void {
    this.#incoming.decline();
  }

  dismissMissed(key: string): void {
    this.#incoming.dismissMissed(key);
  }

  /** Shrinks the call to a bar (true) or shows it whole again. */
  setMinimized(minimized: boolean): void {
    this.#minimized = minimized;
    this.#update();
  }

  dismissEnded(): void {
    this.#ended = null;
    this.#update();
  }

  /** Leaves the call we are in, if any. */
  async leave(): Promise<void> {
    await this.#active?.leave();
  }

  #setActive(call: RoomCall) {
    this.#stopActive?.();
    this.#active = call;
    this.#ended = null;
    this.#minimized = false;
    this.#stopActive = call.subscribe(() => {
      const { phase, error } = call.getSnapshot();
      if (phase === "idle" && this.#active === call) {
        this.#stopActive?.();
        this.#stopActive = null;
        this.#active = null;
        if (error) this.#ended = { roomId: call.roomId, reason: error };
      }
      this.#update();
    });
    this.#update();
  }

  #update() {
    this.#snapshot = this.#describe();
    this.#subscribers.notify();
  }

  #describe(): CallsSnapshot {
    const { ringing, missed } = this.#incoming.getSnapshot();
    return {
      active: this.#active,
      minimized: this.#minimized,
      ringing,
      missed,
      ended: this.#ended,
    };
  }
}

const perClient = new WeakMap<MatrixClient, Calls>();

/**
 * The one `Calls` of a signed-in client (a new client, after signing in again, gets its own),
 * made by `create` the first time.
 */
export function callsFor(
  client: MatrixClient,
  create: (client: MatrixClient) => Calls = (forClient) => new Calls({ client: forClient }),
): Calls {
  let calls = perClient.get(client);
  if (!calls) {
    calls = create(client);
    perClient.set(client, calls);
  }
  return calls;
}
