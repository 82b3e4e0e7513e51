// A real widget host for the browser tests: a page that frames a room widget and drives it with
// matrix-widget-api's ClientWidgetApi, the host side Element runs, over a learner's real Synapse
// session (the Matrix client-server API, as Element's driver uses it through its SDK). It grants
// capabilities as Element's approval dialog would when the user leaves some ticked and unticks
// others, and answers the OpenID request as Element's "verify your identity" dialog does.
// Bundled by e2e/widget-host/serve.ts; the test calls `window.startWidgetHost(config)`.
import {
  ClientWidgetApi,
  type IOpenIDUpdate,
  type IRoomEvent,
  type ISendEventDetails,
  type IWidget,
  OpenIDRequestState,
  type SimpleObservable,
  Widget,
  WidgetDriver,
} from "matrix-widget-api";

export interface WidgetHostConfig {
  homeserverUrl: string;
  accessToken: string;
  userId: string;
  displayName: string;
  roomId: string;
  /** The widget as a room's `im.vector.modular.widgets` state content describes it. */
  widget: IWidget;
  /** Capabilities the user unticks in the approval dialog (exact strings or prefixes ending in `:`). */
  refuse: string[];
  /** "ask": answer "pending" first, as Element does while its dialog is open, then allow. */
  openId: "allow" | "ask";
  theme: "light" | "dark";
}

export interface WidgetHostRecord {
  requested: string[];
  approved: string[];
  sent: { type: string; stateKey: string | null; content: unknown }[];
  openIdAsks: number;
  errors: string[];
}

declare global {
  interface Window {
    startWidgetHost(config: WidgetHostConfig): Promise<void>;
    widgetHost: WidgetHostRecord;
  }
}

const record: WidgetHostRecord = {
  requested: [],
  approved: [],
  sent: [],
  openIdAsks: 0,
  errors: [],
};
window.widgetHost = record;

class HomeserverApi {
  constructor(private readonly config: WidgetHostConfig) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.config.homeserverUrl}/_matrix/client/v3${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.config.accessToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  room(path = "") {
    return `/rooms/${encodeURIComponent(this.config.roomId)}${path}`;
  }
}

/** Matches a refusal entry: an exact capability, or every capability starting with a prefix. */
const refuses = (entry: string, capability: string) =>
  entry.endsWith(":") ? capability.startsWith(entry) : capability === entry;

class SynapseDriver extends WidgetDriver {
  constructor(
    private readonly config: WidgetHostConfig,
    private readonly homeserver: HomeserverApi,
  ) {
    super();
  }

  override async validateCapabilities(requested: Set<string>): Promise<Set<string>> {
    record.requested = [...requested];
    const approved = [...requested].filter(
      (capability) => !this.config.refuse.some((entry) => refuses(entry, capability)),
    );
    record.approved = approved;
    return new Set(approved);
  }

  override async sendEvent(
    eventType: string,
    content: unknown,
    stateKey: string | null = null,
    roomId: string | null = null,
  ): Promise<ISendEventDetails> {
    const target = roomId ?? this.config.roomId;
    record.sent.push({ type: eventType, stateKey, content });
    const path =
      stateKey === null
        ? `/send/${encodeURIComponent(eventType)}/${crypto.randomUUID()}`
        : `/state/${encodeURIComponent(eventType)}/${encodeURIComponent(stateKey)}`;
    const { event_id } = await this.homeserver.request<{ event_id: string }>(
      "PUT",
      `/rooms/${encodeURIComponent(target)}${path}`,
      content,
    );
    return { roomId: target, eventId: event_id };
  }

  override async readRoomTimeline(
    roomId: string,
    eventType: string,
    msgtype: string | undefined,
    stateKey: string | undefined,
    limit: number,
  ): Promise<IRoomEvent[]> {
    const filter = JSON.stringify({ types: [eventType] });
    const wanted = Math.min(limit > 0 ? limit : 50, 200);
    const { chunk } = await this.homeserver.request<{ chunk: IRoomEvent[] }>(
      "GET",
      `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${wanted}&filter=${encodeURIComponent(filter)}`,
    );
    return chunk
      .map((event) => ({ ...event, room_id: roomId }))
      .filter(
        (event) =>
          (msgtype === undefined || event.content.msgtype === msgtype) &&
          (stateKey === undefined ? event.state_key === undefined : event.state_key === stateKey),
      );
  }

  override async readRoomState(
    roomId: string,
    eventType: string,
    stateKey: string | undefined,
  ): Promise<IRoomEvent[]> {
    const state = await this.homeserver.request<IRoomEvent[]>(
      "GET",
      `/rooms/${encodeURIComponent(roomId)}/state`,
    );
    return state
      .filter(
        (event) =>
          event.type === eventType && (stateKey === undefined || event.state_key === stateKey),
      )
      .map((event) => ({ ...event, room_id: roomId }));
  }

  override askOpenID(observer: SimpleObservable<IOpenIDUpdate>): void {
    record.openIdAsks += 1;
    if (this.config.openId === "ask")
      observer.update({ state: OpenIDRequestState.PendingUserConfirmation });
    this.homeserver
      .request<{
        access_token: string;
        token_type: string;
        matrix_server_name: string;
        expires_in: number;
      }>("POST", `/user/${encodeURIComponent(this.config.userId)}/openid/request_token`, {})
      .then(
        (token) => observer.update({ state: OpenIDRequestState.Allowed, token }),
        (error: unknown) => {
          record.errors.push(String(error));
          observer.update({ state: OpenIDRequestState.Blocked });
        },
      );
  }

  override getKnownRooms(): string[] {
    return [this.config.roomId];
  }
}

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: IRoomEvent[] }; state?: { events?: IRoomEvent[] } }
    >;
  };
}

/** Feeds every new event of the room to the widget, as Element does from its sync loop. */
async function syncLoop(
  homeserver: HomeserverApi,
  config: WidgetHostConfig,
  api: ClientWidgetApi,
  since: string,
) {
  const filter = encodeURIComponent(
    JSON.stringify({
      room: { rooms: [config.roomId], timeline: { limit: 50 }, ephemeral: { types: [] } },
      presence: { types: [] },
      account_data: { types: [] },
    }),
  );
  let batch = since;
  for (;;) {
    let sync: SyncResponse;
    try {
      sync = await homeserver.request<SyncResponse>(
        "GET",
        `/sync?since=${batch}&timeout=10000&filter=${filter}`,
      );
    } catch (error) {
      record.errors.push(String(error));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    batch = sync.next_batch;
    const room = sync.rooms?.join?.[config.roomId];
    for (const event of room?.state?.events ?? []) {
      await api.feedStateUpdate({ ...event, room_id: config.roomId });
    }
    for (const event of room?.timeline?.events ?? []) {
      const withRoom = { ...event, room_id: config.roomId };
      await api.feedEvent(withRoom);
      if (event.state_key !== undefined) await api.feedStateUpdate(withRoom);
    }
  }
}

window.startWidgetHost = async (config: WidgetHostConfig) => {
  const homeserver = new HomeserverApi(config);
  // Where the live feed starts: the widget reads what came before through the driver.
  const initial = await homeserver.request<SyncResponse>(
    "GET",
    `/sync?timeout=0&filter=${encodeURIComponent(JSON.stringify({ room: { rooms: [] } }))}`,
  );

  const widget = new Widget(config.widget);
  // As Element does: fill the template, then add the widget id and where the host lives.
  const url = new URL(
    widget.getCompleteUrl({
      widgetRoomId: config.roomId,
      currentUserId: config.userId,
      userDisplayName: config.displayName,
      clientId: "org.xstream.e2e-host",
      clientTheme: config.theme,
      clientLanguage: "en",
    }),
  );
  url.searchParams.set("widgetId", widget.id);
  url.searchParams.set("parentUrl", window.location.href);

  const iframe = document.createElement("iframe");
  iframe.title = widget.name ?? "Widget";
  // Element's sandbox and permissions for room widgets.
  iframe.setAttribute(
    "sandbox",
    "allow-forms allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-scripts allow-presentation allow-downloads",
  );
  iframe.allow = "clipboard-write;";
  iframe.style.width = "420px";
  iframe.style.height = "760px";

  // In the document before the API takes its window; its src only after, so the API sees the
  // widget page's load event.
  document.body.append(iframe);
  const driver = new SynapseDriver(config, homeserver);
  const api = new ClientWidgetApi(widget, iframe, driver);
  api.setViewedRoomId(config.roomId);
  api.on("error:preparing", (error: unknown) => record.errors.push(`preparing: ${String(error)}`));
  iframe.src = url.toString();
  void syncLoop(homeserver, config, api, initial.next_batch);
};
