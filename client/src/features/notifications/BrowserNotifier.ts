import type {
  ClientEvent,
  MatrixClient,
  MatrixEvent,
  NotificationCountType,
  Room,
  RoomEvent,
} from "matrix-js-sdk";
import { LiveSubscribers, listenTo, newLiveEvents } from "../../matrix/liveSubscribers";
import { MatrixEvents, sdkValue } from "../../matrix/sdkValues";
import { botUserIdFor } from "../../matrix/xstreamBot";
import { roomPath } from "../../routing/paths";
import {
  type Attention,
  describeMessage,
  pageTitle,
  shouldNotifyMessage,
  shouldNotifyRing,
  shouldOfferPermission,
} from "./notificationDecision";
import { globalLevelOf, roomLevelOf } from "./pushRuleSettings";

/** The platform's notifications, behind a port so unit tests can watch what is shown. */
export type NotificationSink = {
  permission(): NotificationPermission | "unsupported";
  requestPermission(): Promise<NotificationPermission | "unsupported">;
  show(notification: {
    title: string;
    body: string;
    tag: string;
    requireInteraction?: boolean;
    onClick: () => void;
  }): { close(): void } | null;
};

/** What the notifier needs from the page: attention, where to go, the title, the learner's memory. */
export type NotifierPage = {
  attention(): Attention;
  open(path: string): void;
  setTitle(title: string): void;
  /** Calls back when the tab is shown or hidden, or gains or loses focus. */
  onAttentionChange(listener: () => void): () => void;
  getFlag(name: string): boolean;
  setFlag(name: string): void;
};

export type NotifierClient = Pick<
  MatrixClient,
  | "getUserId"
  | "getRoom"
  | "getRooms"
  | "getPushActionsForEvent"
  | "decryptEventIfNeeded"
  | "isInitialSyncComplete"
  | "on"
  | "off"
  | "pushRules"
>;

export type NotifierSnapshot = {
  permission: NotificationPermission | "unsupported";
  /** Show the in-app offer to turn notifications on. */
  offer: boolean;
  unread: number;
};

const UnreadNotifications = sdkValue<RoomEvent.UnreadNotifications>("Room.UnreadNotifications");
const Sync = sdkValue<ClientEvent.Sync>("sync");
const TOTAL = sdkValue<NotificationCountType.Total>("total");
const DISMISSED_FLAG = "xstream.notifications.offerDismissed";

export type RingNotice = { roomId: string; callerName: string; intent: "audio" | "video" };

/**
 * The signed-in learner's browser notifications: a partner's new message in a room they are not
 * reading (when their push rules say it notifies), rings, partner requests and acceptances. Also
 * keeps the page title's unread count and decides when to offer turning notifications on.
 * A click on a notification brings the tab forward and opens the room (or the requests).
 */
export class BrowserNotifier {
  readonly #client: NotifierClient;
  readonly #sink: NotificationSink;
  readonly #page: NotifierPage;
  readonly #subscribers = new LiveSubscribers(() => this.#start());
  #snapshot: NotifierSnapshot;
  #engaged = false;
  #ring: { roomId: string; close(): void } | null = null;

  constructor(client: NotifierClient, sink: NotificationSink, page: NotifierPage) {
    this.#client = client;
    this.#sink = sink;
    this.#page = page;
    this.#snapshot = { permission: sink.permission(), offer: false, unread: 0 };
  }

  subscribe = this.#subscribers.subscribe;
  getSnapshot = (): NotifierSnapshot => this.#snapshot;

  /** Asks the browser; only ever called from a learner's click (browsers want a gesture). */
  async requestPermission(): Promise<void> {
    await this.#sink.requestPermission();
    this.#update();
  }

  /** The learner said "not now": the offer stays away (Settings keeps the button). */
  dismissOffer(): void {
    this.#page.setFlag(DISMISSED_FLAG);
    this.#update();
  }

  /** The learner has a partner now: a reason to offer notifications. */
  noteEngaged(): void {
    this.#engaged = true;
    this.#update();
  }

  /** A partnership request arrived. */
  partnerRequest(name: string, requestId: string): void {
    if (this.#page.attention().looking) return;
    this.#show({
      title: "New partner request",
      body: `${name} would like to be your language partner`,
      tag: `request:${requestId}`,
      path: "/requests",
    });
  }

  /** A partnership was accepted and its room joined. */
  partnerJoined(name: string, roomId: string): void {
    this.noteEngaged();
    if (this.#page.attention().looking) return;
    this.#show({
      title: "You have a new partner",
      body: `You and ${name} can now chat`,
      tag: `partner:${roomId}`,
      path: roomPath(roomId),
    });
  }

  /** A call rings; the notification stays until `stopRinging`. */
  ringing(call: RingNotice): void {
    if (this.#ring?.roomId === call.roomId) return;
    this.stopRinging();
    if (!shouldNotifyRing(this.#page.attention(), this.#isMuted(call.roomId))) return;
    const kind = call.intent === "audio" ? "voice" : "video";
    const shown = this.#show({
      title: `Incoming ${kind} call`,
      body: `${call.callerName} is calling you. Open Xstream to answer.`,
      tag: `ring:${call.roomId}`,
      path: roomPath(call.roomId),
      requireInteraction: true,
    });
    if (shown) this.#ring = { roomId: call.roomId, close: () => shown.close() };
  }

  stopRinging(): void {
    this.#ring?.close();
    this.#ring = null;
  }

  #isMuted(roomId: string): boolean {
    const rules = this.#client.pushRules;
    return globalLevelOf(rules) === "off" || roomLevelOf(rules, roomId) === "off";
  }

  #show(notice: {
    title: string;
    body: string;
    tag: string;
    path: string;
    requireInteraction?: boolean;
  }): { close(): void } | null {
    if (this.#sink.permission() !== "granted") return null;
    const shown = this.#sink.show({
      title: notice.title,
      body: notice.body,
      tag: notice.tag,
      requireInteraction: notice.requireInteraction,
      onClick: () => {
        this.#page.open(notice.path);
        shown?.close();
      },
    });
    return shown;
  }

  #start(): () => void {
    const client = this.#client;
    const onTimeline = newLiveEvents((event, room) => {
      // The first sync brings back the recent past; only what arrives after it is new.
      if (!client.isInitialSyncComplete()) return;
      if (event.getSender() === client.getUserId()) {
        if (!this.#engaged && isMessage(event)) this.noteEngaged();
        return;
      }
      // Calls ring through `ringing` and invites show in Chats (partner ones are joined): only
      // messages become message notifications, whatever else the rules would let through.
      if (isMessage(event)) void this.#consider(event, room);
    });
    const onCounts = () => this.#scheduleCount();
    const stop = listenTo(client, [
      [MatrixEvents.Timeline, onTimeline],
      [MatrixEvents.MyMembership, onCounts],
      [UnreadNotifications, onCounts],
      [Sync, onCounts],
    ]);
    const stopAttention = this.#page.onAttentionChange(() => {
      if (this.#page.attention().looking) this.stopRinging();
      this.#update();
    });
    this.#update();
    return () => {
      stop();
      stopAttention();
      this.stopRinging();
    };
  }

  async #consider(event: MatrixEvent, room: Room): Promise<void> {
    const client = this.#client;
    const myUserId = client.getUserId() ?? "";
    // Rules look at the clear content (mentions, body), so wait for it in encrypted rooms.
    await client.decryptEventIfNeeded(event).catch(() => undefined);
    const actions = client.getPushActionsForEvent(event, true);
    const facts = {
      roomId: room.roomId,
      sender: event.getSender() ?? "",
      myUserId,
      pushNotify: actions ? actions.notify : null,
      attention: this.#page.attention(),
    };
    if (!shouldNotifyMessage(facts)) return;
    const senderId = event.getSender() ?? "";
    const direct = isDirectFor(room, myUserId);
    const { title, body } = describeMessage({
      senderName: event.sender?.name || room.getMember(senderId)?.name || senderId,
      roomName: room.name,
      direct,
      type: event.getType(),
      content: (event.getContent() ?? {}) as Record<string, unknown>,
    });
    this.#show({ title, body, tag: `room:${room.roomId}`, path: roomPath(room.roomId) });
  }

  #countScheduled = false;
  /**
   * Once per task, not per microtask: the SDK adds a sync's rooms one by one with awaits in
   * between, and counting every room again for each made a long list's first sync quadratic.
   */
  #scheduleCount() {
    if (this.#countScheduled) return;
    this.#countScheduled = true;
    setTimeout(() => {
      this.#countScheduled = false;
      this.#update();
    }, 0);
  }

  #unread(): number {
    let total = 0;
    for (const room of this.#client.getRooms()) {
      const membership = room.getMyMembership();
      if (membership === "invite") total += 1;
      else if (membership === "join") total += room.getUnreadNotificationCount(TOTAL);
    }
    return total;
  }

  #update() {
    const permission = this.#sink.permission();
    const unread = this.#unread();
    const offer = shouldOfferPermission({
      permission,
      dismissed: this.#page.getFlag(DISMISSED_FLAG),
      engaged: this.#engaged,
    });
    const previous = this.#snapshot;
    if (previous.unread !== unread) this.#page.setTitle(pageTitle(unread));
    if (
      previous.permission === permission &&
      previous.offer === offer &&
      previous.unread === unread
    )
      return;
    this.#snapshot = { permission, offer, unread };
    this.#subscribers.notify();
  }
}

function isMessage(event: MatrixEvent): boolean {
  const type = event.getType();
  return type === "m.room.message" || type === "m.room.encrypted" || type === "m.sticker";
}

/**
 * A partner room (our bot made it; it is named after both partners for Element), or an unnamed
 * room of two: the notification names the sender alone.
 */
function isDirectFor(room: Room, myUserId: string): boolean {
  if (room.getCreator() === botUserIdFor(myUserId)) return true;
  const others = room.getJoinedMembers().filter((member) => member.userId !== myUserId);
  return others.length === 1 && !room.currentState.getStateEvents("m.room.name", "");
}
