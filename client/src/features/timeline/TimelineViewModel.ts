import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { forRoom, LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { pendingEventsOf } from "../../matrix/pendingEvents";
import { MatrixEvents } from "../../matrix/sdkValues";
import { describeError } from "../../ui/describeError";
import { type CallNotice, callMemberEventInput, callNotices, devicesInCall } from "../calls";
import { readChatSettings } from "../settings";
import { decryptUntried, fromMatrixEvent, mayRedactOthers, TimelineSdk } from "./matrixTimeline";
import { typingLine } from "./people";
import { reactionToggle } from "./reactions";
import {
  buildTimeline,
  keepUnchangedRows,
  type MessageItem,
  type TimelineItem,
} from "./timelineModel";

export type TimelineSnapshot = {
  items: TimelineItem[];
  /** "Ana is typing…", or "" when nobody is. */
  typing: string;
  /** Older events can still be loaded from the server. */
  hasMoreHistory: boolean;
  loadingHistory: boolean;
  historyError: string | null;
  /** Why the last reaction or deletion failed. */
  actionError: string | null;
};

export const emptyTimeline: TimelineSnapshot = {
  items: [],
  typing: "",
  hasMoreHistory: false,
  loadingHistory: false,
  historyError: null,
  actionError: null,
};

/** How many events one scroll-back asks for. */
export const PAGE_SIZE = 30;

/**
 * The timeline of one room, kept up to date from the client's events: its rows (see
 * `buildTimeline`), who is typing and whether older history is left. Loads older events, toggles
 * reactions, deletes messages and sends read receipts. Listens only while someone is subscribed.
 */
export class TimelineViewModel {
  readonly #client: MatrixClient;
  readonly #roomId: string;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #snapshot: TimelineSnapshot;
  #loadingHistory = false;
  #reachedStart = false;
  #historyError: string | null = null;
  #actionError: string | null = null;
  #lastReceiptFor: string | null = null;

  constructor(client: MatrixClient, roomId: string) {
    this.#client = client;
    this.#roomId = roomId;
    this.#snapshot = this.#describe([]);
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): TimelineSnapshot => this.#snapshot;

  /** Loads older events into the live timeline (once at a time). */
  async loadOlder(): Promise<void> {
    const room = this.#client.getRoom(this.#roomId);
    if (!room || this.#loadingHistory || !this.#snapshot.hasMoreHistory) return;
    this.#loadingHistory = true;
    this.#historyError = null;
    this.#update();
    try {
      const more = await this.#client.paginateEventTimeline(room.getLiveTimeline(), {
        backwards: true,
        limit: PAGE_SIZE,
      });
      if (!more) this.#reachedStart = true;
    } catch (error) {
      this.#historyError = `Couldn't load older messages: ${describeError(error)}`;
    } finally {
      this.#loadingHistory = false;
      this.#update();
    }
  }

  /** Adds our `key` reaction to a message, or takes it back if we had reacted so. */
  async toggleReaction(eventId: string, key: string): Promise<void> {
    const message = this.#message(eventId);
    const toggle = reactionToggle(message?.reactions ?? [], key);
    try {
      if (toggle.action === "send") {
        await this.#client.sendEvent(this.#roomId, TimelineSdk.Reaction, {
          "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key },
        } as never);
      } else if (toggle.action === "redact") {
        await this.#client.redactEvent(this.#roomId, toggle.eventId);
      }
      this.#setActionError(null);
    } catch (error) {
      this.#setActionError(`Couldn't change your reaction: ${describeError(error)}`);
    }
  }

  /** Deletes (redacts) a message. */
  async redact(eventId: string): Promise<void> {
    try {
      await this.#client.redactEvent(this.#roomId, eventId);
      this.#setActionError(null);
    } catch (error) {
      this.#setActionError(`Couldn't delete the message: ${describeError(error)}`);
    }
  }

  /**
   * Marks the latest event read, if we have not already: moves the fully-read marker and sends a
   * read receipt, public (`m.read`) or, when the person turned read receipts off, private
   * (`m.read.private`, seen only by their own devices). Call while visible.
   */
  async markRead(): Promise<void> {
    const room = this.#client.getRoom(this.#roomId);
    const me = this.#client.getUserId();
    if (!room || !me || room.getMyMembership() !== "join") return;
    const latest = room
      .getLiveTimeline()
      .getEvents()
      .findLast((event) => event.status === null && event.getId()?.startsWith("$"));
    const eventId = latest?.getId();
    if (!latest || !eventId || eventId === this.#lastReceiptFor) return;
    if (latest.getSender() === me || room.getEventReadUpTo(me) === eventId) {
      this.#lastReceiptFor = eventId;
      return;
    }
    this.#lastReceiptFor = eventId;
    const { sendReadReceipts } = readChatSettings(this.#client);
    try {
      await this.#client.setRoomReadMarkers(
        this.#roomId,
        eventId,
        sendReadReceipts ? latest : undefined,
        sendReadReceipts ? undefined : latest,
      );
    } catch {
      // Not worth bothering anyone: the next event sends another.
      this.#lastReceiptFor = null;
    }
  }

  #message(eventId: string): MessageItem | undefined {
    return this.#snapshot.items.find(
      (item): item is MessageItem => item.kind === "message" && item.eventId === eventId,
    );
  }

  #setActionError(error: string | null) {
    if (error === this.#actionError) return;
    this.#actionError = error;
    this.#update();
  }

  #startListening(): () => void {
    // Events arriving one by one during a scroll-back are shown together when it ends.
    const batched = forRoom(this.#roomId, () => {
      if (!this.#loadingHistory) this.#updateSoon();
    });
    const on = forRoom(this.#roomId, () => this.#updateSoon());
    const stop = listenTo(this.#client, [
      [MatrixEvents.Room, batched.room],
      [MatrixEvents.Timeline, batched.roomEvent],
      [MatrixEvents.TimelineReset, batched.room],
      [MatrixEvents.LocalEchoUpdated, batched.roomEvent],
      [MatrixEvents.Redaction, batched.roomEvent],
      [MatrixEvents.MyMembership, batched.room],
      [MatrixEvents.MemberName, on.member],
      [TimelineSdk.Receipt, batched.roomEvent],
      [TimelineSdk.Typing, on.member],
      [TimelineSdk.Decrypted, on.event],
    ]);
    this.#update();
    return stop;
  }

  #updateScheduled = false;
  /**
   * Once for all the SDK's events of one moment, not once per event: a sync's events, or a sent
   * message's local echo, come as several events in a row, and each rebuild reads the whole
   * timeline. Waiting for the microtask also lets a send's own next steps (asking the crypto
   * whether the room is encrypted, then the request) start before the echo renders, not after.
   */
  #updateSoon() {
    if (this.#updateScheduled) return;
    this.#updateScheduled = true;
    queueMicrotask(() => {
      this.#updateScheduled = false;
      if (this.#subscribers.active) this.#update();
    });
  }

  #update() {
    const next = this.#describe(this.#snapshot.items);
    // An event that changes nothing shown (a receipt already drawn, a typing notice repeated)
    // renders nothing.
    if (sameSnapshot(next, this.#snapshot)) return;
    this.#snapshot = next;
    this.#subscribers.notify();
  }

  /** The snapshot now; rows equal to one of `previousItems` keep that earlier object. */
  #describe(previousItems: TimelineItem[]): TimelineSnapshot {
    const room = this.#client.getRoom(this.#roomId);
    const base = {
      ...emptyTimeline,
      loadingHistory: this.#loadingHistory,
      historyError: this.#historyError,
      actionError: this.#actionError,
    };
    if (!room) return base;
    if (room.getMyMembership() !== "join") return base;
    const me = this.#client.getUserId() ?? "";
    const timeline = room.getLiveTimeline();
    // Our messages still being sent, or that failed, come after everything the server has.
    const events = [...timeline.getEvents(), ...pendingEventsOf(room)];
    decryptUntried(this.#client, events);
    const inputs = events.flatMap((event) => fromMatrixEvent(event, room) ?? []);
    const typingNames = room
      .getMembers()
      .filter((member) => member.typing && member.userId !== me)
      .map((member) => member.name || member.userId);
    return {
      ...base,
      items: keepUnchangedRows(
        previousItems,
        buildTimeline(inputs, {
          myUserId: me,
          myName: room.getMember(me)?.name ?? "",
          mayRedactOthers: mayRedactOthers(room, me),
          callNotices: callNoticesIn(events, timeline.getState(TimelineSdk.Backwards), me),
        }),
      ),
      typing: typingLine(typingNames),
      hasMoreHistory:
        !this.#reachedStart && timeline.getPaginationToken(TimelineSdk.Backwards) !== null,
    };
  }
}

function sameSnapshot(a: TimelineSnapshot, b: TimelineSnapshot): boolean {
  return (Object.keys(a) as (keyof TimelineSnapshot)[]).every((key) => a[key] === b[key]);
}

/** The call started/ended rows of the loaded events, keyed by the membership event's key. */
function callNoticesIn(
  events: MatrixEvent[],
  startState: Parameters<typeof devicesInCall>[0],
  myUserId: string,
): Map<string, CallNotice> {
  const inputs = events.flatMap((event) => callMemberEventInput(event) ?? []);
  if (inputs.length === 0) return new Map();
  const notices = callNotices(inputs, { myUserId, inCallBefore: devicesInCall(startState) });
  return new Map(notices.map((notice) => [notice.key, notice]));
}
