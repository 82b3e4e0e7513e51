// A partner room for exchange panel tests: shared messages and timer, one port per viewer, and a
// homeserver clock that stamps what is sent. Unit tests only.
import type { PracticeTimerContent, WidgetExchangeResponse } from "@xstream/contract";
import { vi } from "vitest";
import type { CorrectionContent } from "../../corrections";
import type {
  ExchangeCapability,
  ExchangeEvent,
  ExchangeRoomPort,
  FetchExchangePeople,
  OpenIdToken,
} from "../exchangePort";

export const ALL_CAPABILITIES: readonly ExchangeCapability[] = [
  "read_messages",
  "send_correction",
  "read_timer",
  "set_timer",
  "read_members",
  "openid",
];

export const ROOM_ID = "!partners:example.org";

export class FakeExchangeRoom {
  readonly events: ExchangeEvent[] = [];
  timer: PracticeTimerContent | null = null;
  readonly #listeners = new Set<() => void>();
  #next = 1;

  /** The homeserver's clock; tests with fake timers leave it at Date.now. */
  constructor(readonly serverNow: () => number = Date.now) {}

  /** A message arriving from the homeserver, stamped by its clock. */
  send(senderId: string, body: string, extra: Partial<ExchangeEvent> = {}): ExchangeEvent {
    const event: ExchangeEvent = {
      eventId: `$event${this.#next++}`,
      senderId,
      ts: this.serverNow(),
      body,
      ...extra,
    };
    this.events.push(event);
    this.notify();
    return event;
  }

  setTimer(content: PracticeTimerContent | null) {
    this.timer = content;
    this.notify();
  }

  notify() {
    for (const listener of [...this.#listeners]) listener();
  }

  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A port for `viewerId`; `refuse` lists capabilities the host did not grant. */
  port(viewerId: string, options: { partnerId?: string; refuse?: ExchangeCapability[] } = {}) {
    return new FakeExchangePort(this, viewerId, options.partnerId, options.refuse ?? []);
  }
}

export class FakeExchangePort implements ExchangeRoomPort {
  readonly roomId = ROOM_ID;
  readonly refused: Set<ExchangeCapability>;

  constructor(
    readonly room: FakeExchangeRoom,
    readonly viewerId: string,
    readonly partner: string | undefined,
    refuse: ExchangeCapability[],
  ) {
    this.refused = new Set(refuse);
  }

  granted(capability: ExchangeCapability): boolean {
    return !this.refused.has(capability);
  }

  events(): readonly ExchangeEvent[] {
    return this.granted("read_messages") ? this.room.events : [];
  }

  partnerId(): string | undefined {
    return this.granted("read_members") ? this.partner : undefined;
  }

  timer(): PracticeTimerContent | null {
    return this.granted("read_timer") ? this.room.timer : null;
  }

  subscribe(onChange: () => void): () => void {
    return this.room.listen(onChange);
  }

  sendCorrection = vi.fn(async (content: CorrectionContent) => {
    if (!this.granted("send_correction")) throw new Error("not allowed");
    this.room.send(this.viewerId, content.body, {
      correction: {
        targetEventId: content["m.relates_to"].event_id,
        original: content["org.xstream.correction"].original,
        corrected: content["org.xstream.correction"].corrected,
      },
    });
  });

  setTimer = vi.fn(async (content: PracticeTimerContent | null) => {
    if (!this.granted("set_timer")) throw new Error("not allowed");
    this.room.setTimer(content);
  });

  openIdToken = vi.fn(
    async (): Promise<OpenIdToken> => ({
      access_token: `openid-${this.viewerId}`,
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 3600,
    }),
  );
}

/** A bridge that answers with the given people, seen from whoever's token it gets. */
export function fakePeople(
  byViewer: Record<string, WidgetExchangeResponse>,
): FetchExchangePeople & ReturnType<typeof vi.fn> {
  return vi.fn(async (_roomId: string, token: OpenIdToken) => {
    const answer = byViewer[token.access_token.replace(/^openid-/, "")];
    if (!answer) throw new Error("unknown viewer");
    return answer;
  });
}
