// The web client's host for the exchange panel: an ExchangeRoomPort over matrix-js-sdk's client
// and room. The web client is Xstream's own, so every capability is granted. This is the one file
// of the panel that knows matrix-js-sdk; the widget page has its own port over matrix-widget-api.
import { PRACTICE_TIMER_EVENT_TYPE } from "@xstream/contract/limits";
import type {
  MatrixClient,
  MatrixEvent,
  MatrixEventEvent,
  RoomStateEvent,
  TimelineEvents,
} from "matrix-js-sdk";
import { readCorrection } from "../../matrix/corrections";
import { forRoom, listenTo } from "../../matrix/liveSubscribers";
import { partnerIn } from "../../matrix/roomNaming";
import { FORWARDS, MatrixEvents, SendStatus, sdkValue } from "../../matrix/sdkValues";
import type { ExchangeEvent, ExchangeRoomPort, OpenIdToken } from "./exchangePort";
import { readPracticeTimer } from "./practiceTimer";

/** The SDK events the port listens to beyond the app's common ones. */
const PortSdk = {
  Decrypted: sdkValue<MatrixEventEvent.Decrypted>("Event.decrypted"),
  StateEvents: sdkValue<RoomStateEvent.Events>("RoomState.events"),
} as const;

/** Messages people write (notices are bots'). */
const WRITTEN = new Set(["m.text", "m.emote"]);

/** One timeline event as the panel sees it; null for anything but a sent text message. */
function exchangeEvent(event: MatrixEvent): ExchangeEvent | null {
  if (event.getType() !== "m.room.message" || event.isRedacted()) return null;
  // Only what the homeserver has: a local echo carries this device's clock, not the server's.
  if (event.status !== null && event.status !== SendStatus.Sent) return null;
  const eventId = event.getId();
  if (!eventId?.startsWith("$")) return null;
  const original = event.getOriginalContent() as Record<string, unknown>;
  const relation = original["m.relates_to"] as { rel_type?: unknown } | undefined;
  // An edit is not a message of its own: the edited message shows its latest text.
  if (relation?.rel_type === "m.replace") return null;
  if (typeof original.msgtype !== "string" || !WRITTEN.has(original.msgtype)) return null;
  const latest = event.getContent() as { body?: unknown };
  const body = typeof latest.body === "string" ? latest.body : "";
  const correction = readCorrection(original);
  return {
    eventId,
    senderId: event.getSender() ?? "",
    ts: event.getTs(),
    body,
    ...(correction && {
      correction: {
        targetEventId: correction.eventId,
        original: correction.original,
        corrected: correction.corrected,
      },
    }),
  };
}

export class MatrixExchangePort implements ExchangeRoomPort {
  readonly roomId: string;
  readonly viewerId: string;
  readonly #client: MatrixClient;

  constructor(client: MatrixClient, roomId: string) {
    this.#client = client;
    this.roomId = roomId;
    this.viewerId = client.getUserId() ?? "";
  }

  granted(): boolean {
    return true;
  }

  events(): readonly ExchangeEvent[] {
    const room = this.#client.getRoom(this.roomId);
    if (!room) return [];
    const events: ExchangeEvent[] = [];
    for (const event of room.getLiveTimeline().getEvents()) {
      const mapped = exchangeEvent(event);
      if (mapped) events.push(mapped);
    }
    return events;
  }

  partnerId(): string | undefined {
    const room = this.#client.getRoom(this.roomId);
    return room ? partnerIn(room, this.viewerId)?.userId : undefined;
  }

  timer() {
    const room = this.#client.getRoom(this.roomId);
    if (!room) return null;
    const timeline = room.getLiveTimeline();
    let latest: MatrixEvent | null =
      timeline.getState(FORWARDS)?.getStateEvents(PRACTICE_TIMER_EVENT_TYPE, "") ?? null;
    // A change also arrives as a timeline event, and sliding sync adds those without applying
    // them to the room's state (`addToState: false`; the state follows only from required_state):
    // the newest of the two counts.
    const events = timeline.getEvents();
    for (let at = events.length - 1; at >= 0; at--) {
      const event = events[at];
      if (event?.getType() !== PRACTICE_TIMER_EVENT_TYPE || event.getStateKey() !== "") continue;
      if (!latest || event.getTs() >= latest.getTs()) latest = event;
      break;
    }
    return readPracticeTimer(latest?.getContent());
  }

  subscribe(onChange: () => void): () => void {
    const on = forRoom(this.roomId, onChange);
    return listenTo(this.#client, [
      [MatrixEvents.Room, on.room],
      [MatrixEvents.Timeline, on.roomEvent],
      [MatrixEvents.TimelineReset, on.room],
      [MatrixEvents.LocalEchoUpdated, on.roomEvent],
      [MatrixEvents.Redaction, on.roomEvent],
      [MatrixEvents.Members, on.state],
      [MatrixEvents.Membership, on.member],
      [PortSdk.StateEvents, on.state],
      [PortSdk.Decrypted, on.event],
    ]);
  }

  async sendCorrection(content: Parameters<ExchangeRoomPort["sendCorrection"]>[0]): Promise<void> {
    // Corrections are m.room.message events with a custom relation the SDK's types do not know.
    await this.#client.sendMessage(
      this.roomId,
      content as unknown as TimelineEvents["m.room.message"],
    );
  }

  async setTimer(content: Parameters<ExchangeRoomPort["setTimer"]>[0]): Promise<void> {
    await this.#client.sendStateEvent(
      this.roomId,
      PRACTICE_TIMER_EVENT_TYPE as Parameters<MatrixClient["sendStateEvent"]>[1],
      (content ?? {}) as Parameters<MatrixClient["sendStateEvent"]>[2],
      "",
    );
  }

  async openIdToken(): Promise<OpenIdToken> {
    const token = await this.#client.getOpenIdToken();
    return { ...token, token_type: "Bearer" };
  }
}
