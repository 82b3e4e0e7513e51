// The exchange panel's room port inside another Matrix client, over matrix-widget-api: the host
// (Element) reads and sends on the viewer's behalf, and only what the user approved works. Events
// arrive from the host's initial reads and its live pushes (`send_event` for timeline events,
// `update_state` for room state); both carry other users' content, so every field is checked.
import type { PracticeTimerContent } from "@xstream/contract";
import { PRACTICE_TIMER_EVENT_TYPE } from "@xstream/contract/limits";
import {
  type IRoomEvent,
  type IWidgetApiRequest,
  UnstableApiVersion,
  type WidgetApi,
  WidgetApiToWidgetAction,
} from "matrix-widget-api";
import type { CorrectionContent } from "../features/corrections";
import {
  type ExchangeCapability,
  type ExchangeEvent,
  type ExchangeRoomPort,
  type OpenIdToken,
  readPracticeTimer,
} from "../features/exchange";
import { readCorrection } from "../matrix/corrections";
import { grantedCapabilities, WIDGET_CAPABILITIES } from "./capabilities";

/** How many recent text messages the initial read asks for. */
export const INITIAL_MESSAGES = 100;
/** Messages kept in memory; older ones fall off, so a flood cannot grow the page without bound. */
export const MAX_EVENTS = 500;
/** A token is reused until this long before it expires, so the host asks the user less often. */
const OPENID_MARGIN_MS = 30_000;

/** The user refused, in the host's dialog, to let the widget learn who they are. */
export class OpenIdRefusedError extends Error {
  constructor() {
    super(
      "You declined to let Xstream verify who you are, so it cannot show your partner's profile.",
    );
    this.name = "OpenIdRefusedError";
  }
}

type Stamped<T> = { value: T; ts: number };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The fields every event needs, or null for something no homeserver would send. */
function eventBasics(raw: unknown) {
  if (!isRecord(raw)) return null;
  const { type, sender, event_id, origin_server_ts, content, room_id, state_key } = raw;
  if (
    typeof type !== "string" ||
    typeof sender !== "string" ||
    typeof event_id !== "string" ||
    typeof origin_server_ts !== "number" ||
    !Number.isFinite(origin_server_ts) ||
    !isRecord(content)
  ) {
    return null;
  }
  return {
    type,
    sender,
    eventId: event_id,
    ts: origin_server_ts,
    content,
    roomId: typeof room_id === "string" ? room_id : undefined,
    stateKey: typeof state_key === "string" ? state_key : undefined,
  };
}

/** A text message or correction as the panel sees it; null for anything else (edits included). */
export function toExchangeEvent(raw: unknown): ExchangeEvent | null {
  const basics = eventBasics(raw);
  if (basics?.type !== "m.room.message" || basics.stateKey !== undefined) return null;
  const { content } = basics;
  if (content.msgtype !== "m.text" || typeof content.body !== "string") return null;
  const relation = content["m.relates_to"];
  // An edit repeats the message with a "* " fallback; the panel shows messages as first sent.
  if (isRecord(relation) && relation.rel_type === "m.replace") return null;
  const event: ExchangeEvent = {
    eventId: basics.eventId,
    senderId: basics.sender,
    ts: basics.ts,
    body: content.body,
  };
  const correction = readCorrection(content);
  if (correction) {
    event.correction = {
      targetEventId: correction.eventId,
      original: correction.original,
      corrected: correction.corrected,
    };
  }
  return event;
}

export interface WidgetRoomIds {
  roomId: string;
  viewerId: string;
}

/**
 * Construct it before `api.start()`: it listens for the host's pushes from the first message on
 * (the host pushes the room's state right after approving the capabilities, which may be before
 * the page has finished starting). Call {@link load} once the API is ready.
 */
export class WidgetRoomPort implements ExchangeRoomPort {
  readonly roomId: string;
  readonly viewerId: string;
  readonly #api: WidgetApi;
  readonly #listeners = new Set<() => void>();
  readonly #events = new Map<string, ExchangeEvent>();
  #sortedEvents: readonly ExchangeEvent[] = [];
  #timer: Stamped<PracticeTimerContent | null> | undefined;
  readonly #members = new Map<string, Stamped<string>>();
  #ready = false;
  #openIdRefused = false;
  #token: { value: OpenIdToken; validUntil: number } | undefined;
  readonly #detach: () => void;

  constructor(api: WidgetApi, ids: WidgetRoomIds) {
    this.#api = api;
    this.roomId = ids.roomId;
    this.viewerId = ids.viewerId;

    const onSendEvent = (ev: CustomEvent<IWidgetApiRequest>) => {
      ev.preventDefault();
      api.transport.reply(ev.detail, {});
      this.#take([ev.detail.data]);
    };
    const onUpdateState = (ev: CustomEvent<IWidgetApiRequest>) => {
      ev.preventDefault();
      api.transport.reply(ev.detail, {});
      const state = ev.detail.data.state;
      this.#take(Array.isArray(state) ? state : []);
    };
    // A later renegotiation (or a host that changes its mind) is reflected at once.
    const onNotify = () => queueMicrotask(() => this.#notify());
    const sendEvent = `action:${WidgetApiToWidgetAction.SendEvent}`;
    const updateState = `action:${WidgetApiToWidgetAction.UpdateState}`;
    const notify = `action:${WidgetApiToWidgetAction.NotifyCapabilities}`;
    api.on(sendEvent, onSendEvent);
    api.on(updateState, onUpdateState);
    api.on(notify, onNotify);
    this.#detach = () => {
      api.off(sendEvent, onSendEvent);
      api.off(updateState, onUpdateState);
      api.off(notify, onNotify);
    };
  }

  /** Reads what the host has already: recent messages, and state for hosts that do not push it. */
  async load(): Promise<void> {
    this.#ready = true;
    const reads: Promise<unknown>[] = [];
    if (this.granted("read_messages")) {
      reads.push(
        this.#api
          .readRoomEvents("m.room.message", INITIAL_MESSAGES, "m.text")
          .then((events) => this.#take(events)),
      );
    }
    // A host that speaks MSC2762's update_state pushes the room's state itself; there, reading
    // state events would read the timeline instead.
    const versions = await this.#api.getClientVersions();
    if (!versions.includes(UnstableApiVersion.MSC2762_UPDATE_STATE)) {
      if (this.granted("read_timer")) {
        reads.push(
          this.#api
            .readStateEvents(PRACTICE_TIMER_EVENT_TYPE, 1, "")
            .then((events) => this.#take(events)),
        );
      }
      if (this.granted("read_members")) {
        reads.push(this.#api.readStateEvents("m.room.member").then((events) => this.#take(events)));
      }
    }
    await Promise.all(reads);
    this.#notify();
  }

  /** Stops listening to the host. */
  close(): void {
    this.#detach();
    this.#listeners.clear();
  }

  granted(capability: ExchangeCapability): boolean {
    if (!this.#ready) return false;
    if (capability === "openid") return !this.#openIdRefused;
    return this.#api.hasCapability(WIDGET_CAPABILITIES[capability]);
  }

  /** Every capability the panel may use now. */
  grantedSet(): ReadonlySet<ExchangeCapability> {
    if (!this.#ready) return new Set();
    const approved = Object.values(WIDGET_CAPABILITIES).filter((raw) =>
      this.#api.hasCapability(raw),
    );
    return grantedCapabilities(approved, this.#openIdRefused);
  }

  events(): readonly ExchangeEvent[] {
    return this.#sortedEvents;
  }

  partnerId(): string | undefined {
    const others = [...this.#members]
      .filter(([userId, { value }]) => value === "join" && userId !== this.viewerId)
      .map(([userId]) => userId);
    return others.length === 1 ? others[0] : undefined;
  }

  timer(): PracticeTimerContent | null {
    return this.#timer?.value ?? null;
  }

  subscribe(onChange: () => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  async sendCorrection(content: CorrectionContent): Promise<void> {
    // No room id: the host sends to the room the widget sits in, which needs no timeline capability.
    await this.#api.sendRoomEvent("m.room.message", content);
  }

  async setTimer(content: PracticeTimerContent | null): Promise<void> {
    await this.#api.sendStateEvent(PRACTICE_TIMER_EVENT_TYPE, "", content ?? {});
  }

  async openIdToken(): Promise<OpenIdToken> {
    if (this.#token && Date.now() < this.#token.validUntil) return this.#token.value;
    let credentials: Awaited<ReturnType<WidgetApi["requestOpenIDConnectToken"]>>;
    try {
      credentials = await this.#api.requestOpenIDConnectToken();
    } catch (error) {
      // matrix-widget-api rejects with this message when the host (its user) blocks the request.
      if (error instanceof Error && /declined/i.test(error.message)) {
        this.#openIdRefused = true;
        this.#notify();
        throw new OpenIdRefusedError();
      }
      throw error;
    }
    const { access_token, matrix_server_name, expires_in } = credentials;
    if (
      typeof access_token !== "string" ||
      access_token === "" ||
      typeof matrix_server_name !== "string" ||
      matrix_server_name === "" ||
      typeof expires_in !== "number" ||
      !Number.isFinite(expires_in) ||
      expires_in < 0
    ) {
      throw new Error("The Matrix client answered with a malformed identity token.");
    }
    const value: OpenIdToken = {
      access_token,
      token_type: "Bearer",
      matrix_server_name,
      expires_in: Math.floor(expires_in),
    };
    this.#token = { value, validUntil: Date.now() + expires_in * 1000 - OPENID_MARGIN_MS };
    return value;
  }

  /** Takes events from any source: messages, the timer, membership; ignores everything else. */
  #take(raws: readonly (IRoomEvent | unknown)[]) {
    let changed = false;
    for (const raw of raws) {
      const basics = eventBasics(raw);
      if (!basics || (basics.roomId !== undefined && basics.roomId !== this.roomId)) continue;
      if (basics.stateKey !== undefined) {
        changed = this.#takeState(basics) || changed;
        continue;
      }
      const event = toExchangeEvent(raw);
      if (event && !this.#events.has(event.eventId)) {
        this.#events.set(event.eventId, event);
        changed = true;
      }
    }
    if (!changed) return;
    this.#sortEvents();
    if (this.#ready) this.#notify();
  }

  #takeState(event: NonNullable<ReturnType<typeof eventBasics>>): boolean {
    const { type, stateKey, ts, content } = event;
    if (type === PRACTICE_TIMER_EVENT_TYPE && stateKey === "") {
      // The newest wins whichever way it came (initial push, live update, timeline).
      if (this.#timer && this.#timer.ts > ts) return false;
      // The panel's own reader: the same checks as the web client's (no zod in this bundle).
      this.#timer = { value: readPracticeTimer(content), ts };
      return true;
    }
    if (type === "m.room.member" && stateKey) {
      const membership = typeof content.membership === "string" ? content.membership : "leave";
      const known = this.#members.get(stateKey);
      if (known && known.ts > ts) return false;
      this.#members.set(stateKey, { value: membership, ts });
      return true;
    }
    return false;
  }

  #sortEvents() {
    let sorted = [...this.#events.values()].sort((a, b) => a.ts - b.ts);
    if (sorted.length > MAX_EVENTS) {
      for (const dropped of sorted.slice(0, sorted.length - MAX_EVENTS)) {
        this.#events.delete(dropped.eventId);
      }
      sorted = sorted.slice(-MAX_EVENTS);
    }
    this.#sortedEvents = sorted;
  }

  #notify() {
    for (const listener of this.#listeners) listener();
  }
}
