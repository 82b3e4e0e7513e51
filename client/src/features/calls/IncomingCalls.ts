import type { EventType, MatrixClient, MatrixEvent, MatrixEventEvent, Room } from "matrix-js-sdk";
import { listenTo, newLiveEvents } from "../../matrix/liveSubscribers";
import { directRoomIds } from "../../matrix/roomNaming";
import {
  type CallIntent,
  intentOf,
  LEGACY_CALL_NOTIFY_EVENT,
  RTC_NOTIFICATION_EVENT,
  RtcEvents,
} from "../../matrix/rtcSdk";
import { MatrixEvents, sdkValue } from "../../matrix/sdkValues";
import { type CallPerson, directPartnerOf, type MembershipLike, personIn } from "./callMembers";
import { RING_TIMEOUT_MS } from "./ringing";
import type { Ringtone } from "./ringtone";

export { RING_TIMEOUT_MS } from "./ringing";
/**
 * A call that started longer ago than this does not ring when we first see it (we were offline,
 * or just opened the app): the room shows it in progress instead.
 */
export const RING_WINDOW_MS = 30_000;
/** MSC4075's cap on a notification's lifetime. */
const NOTIFICATION_MAX_LIFETIME_MS = 120_000;

const DECRYPTED = sdkValue<MatrixEventEvent.Decrypted>("Event.decrypted");
const DIRECT = sdkValue<EventType.Direct>("m.direct");

export type IncomingCall = {
  roomId: string;
  caller: CallPerson;
  intent: CallIntent;
  /** The caller's "call started" notification, which a decline refers to; null if none came. */
  notificationEventId: string | null;
};

export type MissedCall = {
  key: string;
  roomId: string;
  caller: CallPerson;
  intent: CallIntent;
  at: number;
};

export type IncomingCallsSnapshot = { ringing: IncomingCall | null; missed: MissedCall[] };

type SessionLike = {
  readonly memberships: readonly MembershipLike[];
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
};

/** The parts of the Matrix client incoming calls use. */
export type IncomingCallsClient = Pick<
  MatrixClient,
  "getUserId" | "getRoom" | "getRooms" | "getAccountData" | "sendRtcDecline" | "on" | "off"
> & {
  matrixRTC: {
    getRoomSession(room: Room): SessionLike;
    getActiveRoomSession(room: Room): SessionLike | undefined;
    on(event: string, listener: (...args: never[]) => void): unknown;
    off(event: string, listener: (...args: never[]) => void): unknown;
  };
};

export type IncomingCallsDeps = {
  client: IncomingCallsClient;
  ringtone: Ringtone;
  now: () => number;
  /** Whether we are in (or joining) this room's call already. */
  inCall: (roomId: string) => boolean;
  onChange: () => void;
  timeoutMs?: number;
};

const MAX_MISSED = 5;

/** Which call rang: the caller's membership, told apart from their later calls by its creation. */
type RungCall = { roomId: string; callerId: string; createdTs: number };

/**
 * Rings when the other person of a one-to-one room starts a call there: when their fresh
 * membership makes the room's call start, or when their call notification (MSC4075, which
 * Element Call sends too) arrives. Ringing stops when we accept or decline, when they hang up
 * or we answer on another device, and after 30 s; unanswered calls become missed calls.
 */
export class IncomingCalls {
  readonly #deps: IncomingCallsDeps;
  #snapshot: IncomingCallsSnapshot = { ringing: null, missed: [] };
  /** The call ringing now. */
  #rung: RungCall | null = null;
  /**
   * The call we last declined, and whether its decline went out. A call rings as soon as the
   * caller's membership arrives, but their notification (which a decline must refer to) is sent
   * only after their client has seen that membership come back, so it can come after we declined:
   * the decline is sent then, and the notification does not ring the declined call again.
   */
  #declined: (RungCall & { sent: boolean }) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopWatchingCall: (() => void) | null = null;

  constructor(deps: IncomingCallsDeps) {
    this.#deps = deps;
  }

  getSnapshot = (): IncomingCallsSnapshot => this.#snapshot;

  /** Starts watching for calls; returns how to stop (which also stops ringing). */
  start(): () => void {
    const { client } = this.#deps;
    const onSessionStarted = (roomId: string, session: SessionLike) =>
      this.#consider(roomId, session, null);
    const onSessionEnded = (roomId: string) => {
      if (this.#snapshot.ringing?.roomId === roomId) this.#miss();
      if (this.#declined?.roomId === roomId) this.#declined = null;
    };
    const onTimeline = newLiveEvents((event, room) => this.#onNotification(event, room));
    // Notifications in encrypted rooms show their type once decrypted.
    const onDecrypted = (event: MatrixEvent) => {
      const room = client.getRoom(event.getRoomId() ?? "");
      if (room) this.#onNotification(event, room);
    };
    const stopSessions = listenTo(client.matrixRTC, [
      [RtcEvents.SessionStarted, onSessionStarted],
      [RtcEvents.SessionEnded, onSessionEnded],
    ]);
    const stopEvents = listenTo(client, [
      [MatrixEvents.Timeline, onTimeline],
      [DECRYPTED, onDecrypted],
    ]);
    // A call that started before we listened (the app opening while it rings): the SDK has
    // announced it already. Within the ringing window, it rings now.
    for (const room of client.getRooms()) {
      const session = client.matrixRTC.getActiveRoomSession(room);
      if (session) this.#consider(room.roomId, session, null);
    }
    return () => {
      stopSessions();
      stopEvents();
      this.#stopRinging();
      if (this.#snapshot.ringing) this.#set({ ...this.#snapshot, ringing: null });
    };
  }

  /** Answers: stops ringing and hands the call over to be joined. */
  accept(): IncomingCall | null {
    const ringing = this.#snapshot.ringing;
    this.#stopRinging();
    this.#set({ ...this.#snapshot, ringing: null });
    return ringing;
  }

  /** Stops ringing for the room's call (we are joining it another way). */
  stopFor(roomId: string): void {
    if (this.#snapshot.ringing?.roomId === roomId) this.accept();
  }

  /**
   * Declines: stops ringing and tells the caller's clients (MSC4310), if they asked us, now or
   * when their notification arrives.
   */
  decline(): void {
    const rung = this.#rung;
    const ringing = this.accept();
    if (!ringing || !rung) return;
    this.#declined = { ...rung, sent: ringing.notificationEventId !== null };
    if (ringing.notificationEventId) this.#sendDecline(ringing.roomId, ringing.notificationEventId);
  }

  #sendDecline(roomId: string, notificationEventId: string) {
    this.#deps.client.sendRtcDecline(roomId, notificationEventId).catch(() => undefined); // Best effort: their call times out on its own.
  }

  dismissMissed(key: string): void {
    this.#set({
      ...this.#snapshot,
      missed: this.#snapshot.missed.filter((missed) => missed.key !== key),
    });
  }

  #onNotification(event: MatrixEvent, room: Room) {
    const type = event.getType();
    if (type !== RTC_NOTIFICATION_EVENT && type !== LEGACY_CALL_NOTIFY_EVENT) return;
    if (event.getSender() === this.#deps.client.getUserId()) return;
    const content = event.getContent<{ sender_ts?: unknown; lifetime?: unknown }>();
    const sentAt = typeof content.sender_ts === "number" ? content.sender_ts : event.getTs();
    const lifetime =
      typeof content.lifetime === "number"
        ? Math.min(content.lifetime, NOTIFICATION_MAX_LIFETIME_MS)
        : RING_WINDOW_MS;
    if (sentAt + lifetime < this.#deps.now()) return;
    const eventId = event.getId() ?? null;
    const session = this.#deps.client.matrixRTC.getRoomSession(room);
    const declined = this.#declined;
    if (declined?.roomId === room.roomId && declined.callerId === event.getSender()) {
      const theirs = session.memberships.find(
        (membership) => membership.userId === declined.callerId,
      );
      if (theirs?.createdTs() === declined.createdTs) {
        // The call we declined: answer its notification if we could not yet, never ring again.
        if (!declined.sent && eventId !== null) {
          declined.sent = true;
          this.#sendDecline(room.roomId, eventId);
        }
        return;
      }
    }
    const ringing = this.#snapshot.ringing;
    if (ringing?.roomId === room.roomId) {
      if (ringing.notificationEventId === null && eventId !== null) {
        this.#set({ ...this.#snapshot, ringing: { ...ringing, notificationEventId: eventId } });
      }
      return;
    }
    this.#consider(room.roomId, session, eventId, { sender: event.getSender() ?? "" });
  }

  #consider(
    roomId: string,
    session: SessionLike,
    notificationEventId: string | null,
    notified?: { sender: string },
  ) {
    const { client, now } = this.#deps;
    if (this.#snapshot.ringing || this.#deps.inCall(roomId)) return;
    const me = client.getUserId() ?? "";
    const room = client.getRoom(roomId);
    if (room?.getMyMembership() !== "join") return;
    const partner = directPartnerOf(
      room,
      me,
      directRoomIds(client.getAccountData(DIRECT)?.getContent()),
    );
    if (!partner || (notified && notified.sender !== partner)) return;
    const memberships = session.memberships;
    // Already in it (another device of ours answered).
    if (memberships.some((membership) => membership.userId === me)) return;
    const theirs = memberships.find((membership) => membership.userId === partner);
    if (!theirs) return;
    if (!notified && now() - theirs.createdTs() > RING_WINDOW_MS) return;
    this.#rung = { roomId, callerId: partner, createdTs: theirs.createdTs() };
    this.#ring(session, {
      roomId,
      caller: personIn(room, partner),
      intent: intentOf(theirs.callIntent),
      notificationEventId,
    });
  }

  #ring(session: SessionLike, call: IncomingCall) {
    this.#set({ ...this.#snapshot, ringing: call });
    this.#deps.ringtone.start();
    this.#timer = setTimeout(() => this.#miss(), this.#deps.timeoutMs ?? RING_TIMEOUT_MS);
    const me = this.#deps.client.getUserId();
    const onMemberships = () => {
      const memberships = session.memberships;
      if (memberships.some((membership) => membership.userId === me)) {
        this.accept(); // Answered on another device: not missed.
      } else if (!memberships.some((membership) => membership.userId === call.caller.userId)) {
        this.#miss(); // They hung up.
      }
    };
    this.#stopWatchingCall = listenTo(session, [[RtcEvents.MembershipsChanged, onMemberships]]);
  }

  #miss() {
    const ringing = this.#snapshot.ringing;
    if (!ringing) return;
    this.#stopRinging();
    const at = this.#deps.now();
    const missed: MissedCall = {
      key: `${ringing.roomId}|${at}`,
      roomId: ringing.roomId,
      caller: ringing.caller,
      intent: ringing.intent,
      at,
    };
    this.#set({ ringing: null, missed: [missed, ...this.#snapshot.missed].slice(0, MAX_MISSED) });
  }

  #stopRinging() {
    this.#rung = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stopWatchingCall?.();
    this.#stopWatchingCall = null;
    this.#deps.ringtone.stop();
  }

  #set(snapshot: IncomingCallsSnapshot) {
    this.#snapshot = snapshot;
    this.#deps.onChange();
  }
}
