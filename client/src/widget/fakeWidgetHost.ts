// For unit tests: matrix-widget-api's own host side (ClientWidgetApi, what Element runs) and the
// widget side (WidgetApi) talking by postMessage inside one jsdom window, with a WidgetDriver that
// keeps the room in memory. Only the driver is fake; the protocol on both sides is the library's.
import {
  ClientWidgetApi,
  type IOpenIDUpdate,
  type IRoomEvent,
  type ISendEventDetails,
  OpenIDRequestState,
  type SimpleObservable,
  Widget,
  WidgetApi,
  WidgetDriver,
} from "matrix-widget-api";

export const ROOM_ID = "!partners:example.org";
export const VIEWER = "@ana:example.org";
export const PARTNER = "@ben:example.org";
const WIDGET_ID = "xstream_exchange";

export type OpenIdAnswer = "allow" | "block" | "ask-then-allow" | "ask-then-block";

export interface FakeHostOptions {
  /** Which of the requested capabilities the user leaves ticked in the approval dialog. */
  approve?: (requested: ReadonlySet<string>) => Iterable<string>;
  timeline?: IRoomEvent[];
  state?: IRoomEvent[];
  openId?: OpenIdAnswer;
  /** As the widget's state event says; the bot publishes false (negotiate on content_loaded). */
  waitForIframeLoad?: boolean;
}

let counter = 0;

/** An event as a homeserver would serve it. */
export function roomEvent(partial: Partial<IRoomEvent> & Pick<IRoomEvent, "type">): IRoomEvent {
  counter += 1;
  return {
    sender: PARTNER,
    event_id: `$event${counter}`,
    room_id: ROOM_ID,
    origin_server_ts: 1_700_000_000_000 + counter,
    content: {},
    unsigned: {},
    ...partial,
  };
}

export const textMessage = (body: string, sender = PARTNER, extra: Record<string, unknown> = {}) =>
  roomEvent({ type: "m.room.message", sender, content: { msgtype: "m.text", body, ...extra } });

export const membership = (userId: string, value: string) =>
  roomEvent({
    type: "m.room.member",
    state_key: userId,
    sender: userId,
    content: { membership: value },
  });

class MemoryDriver extends WidgetDriver {
  requested: ReadonlySet<string> = new Set();
  readonly sent: { type: string; content: unknown; stateKey: string | null }[] = [];
  openIdAsks = 0;

  constructor(
    private readonly options: FakeHostOptions,
    private readonly timeline: IRoomEvent[],
    private readonly state: IRoomEvent[],
  ) {
    super();
  }

  override async validateCapabilities(requested: Set<string>): Promise<Set<string>> {
    this.requested = new Set(requested);
    return new Set(this.options.approve ? this.options.approve(requested) : requested);
  }

  override async sendEvent(
    eventType: string,
    content: unknown,
    stateKey: string | null = null,
  ): Promise<ISendEventDetails> {
    this.sent.push({ type: eventType, content, stateKey });
    return { roomId: ROOM_ID, eventId: `$sent${this.sent.length}` };
  }

  override async readRoomTimeline(
    roomId: string,
    eventType: string,
    msgtype: string | undefined,
    stateKey: string | undefined,
    limit: number,
  ): Promise<IRoomEvent[]> {
    return this.timeline
      .filter(
        (event) =>
          event.room_id === roomId &&
          event.type === eventType &&
          (msgtype === undefined || event.content.msgtype === msgtype) &&
          (stateKey === undefined ? event.state_key === undefined : event.state_key === stateKey),
      )
      .reverse()
      .slice(0, limit > 0 ? limit : undefined);
  }

  override async readRoomState(
    roomId: string,
    eventType: string,
    stateKey: string | undefined,
  ): Promise<IRoomEvent[]> {
    return this.state.filter(
      (event) =>
        event.room_id === roomId &&
        event.type === eventType &&
        (stateKey === undefined || event.state_key === stateKey),
    );
  }

  override askOpenID(observer: SimpleObservable<IOpenIDUpdate>): void {
    this.openIdAsks += 1;
    const token = {
      access_token: `openid-${this.openIdAsks}`,
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 3600,
    };
    const answer = this.options.openId ?? "allow";
    if (answer === "allow") observer.update({ state: OpenIDRequestState.Allowed, token });
    else if (answer === "block") observer.update({ state: OpenIDRequestState.Blocked });
    else {
      // Element's dialog: "pending" at once, the user's answer later.
      observer.update({ state: OpenIDRequestState.PendingUserConfirmation });
      setTimeout(() => {
        if (answer === "ask-then-allow") {
          observer.update({ state: OpenIDRequestState.Allowed, token });
        } else observer.update({ state: OpenIDRequestState.Blocked });
      }, 10);
    }
  }

  override getKnownRooms(): string[] {
    return [ROOM_ID];
  }
}

export interface FakeHost {
  host: ClientWidgetApi;
  driver: MemoryDriver;
  /** The widget side, not yet started: request capabilities, attach listeners, then start(). */
  widget: WidgetApi;
  /** Loads the "iframe": the host begins the capability negotiation. */
  load(): void;
  /** A live event, as the host feeds each new timeline event. */
  feed(event: IRoomEvent): Promise<void>;
  /** A live state change (update_state). */
  feedState(event: IRoomEvent): Promise<void>;
  /** Lets acknowledgements still in the window's message queue land, then stops both sides. */
  stop(): Promise<void>;
}

export function fakeWidgetHost(options: FakeHostOptions = {}): FakeHost {
  const timeline = [...(options.timeline ?? [])];
  const state = [...(options.state ?? [])];
  const driver = new MemoryDriver(options, timeline, state);
  const widgetUrl = `${window.location.origin}/widget/exchange`;
  const widget = new Widget({
    id: WIDGET_ID,
    creatorUserId: VIEWER,
    type: "m.custom",
    url: widgetUrl,
    waitForIframeLoad: options.waitForIframeLoad ?? true,
  });
  let onLoad: (() => void) | undefined;
  // The "iframe" is this same window: both sides post to it and listen on it, each ignoring
  // messages of the other direction.
  const iframe = {
    contentWindow: window,
    addEventListener: (_: string, listener: () => void) => {
      onLoad = listener;
    },
  } as unknown as HTMLIFrameElement;
  const host = new ClientWidgetApi(widget, iframe, driver);
  host.setViewedRoomId(ROOM_ID);
  const widgetApi = new WidgetApi(WIDGET_ID, window.location.origin);
  return {
    host,
    driver,
    widget: widgetApi,
    load: () => onLoad?.(),
    feed: async (event) => {
      timeline.push(event);
      await host.feedEvent(event);
    },
    feedState: async (event) => {
      const index = state.findIndex(
        (known) => known.type === event.type && known.state_key === event.state_key,
      );
      if (index >= 0) state.splice(index, 1);
      state.push(event);
      await host.feedStateUpdate(event);
    },
    stop: async () => {
      // The host's own requests (the OpenID answer after asking, say) are acknowledged by a
      // message still queued; stopping before it arrives would reject them.
      await new Promise((resolve) => setTimeout(resolve, 20));
      host.stop();
      widgetApi.transport.stop();
    },
  };
}
