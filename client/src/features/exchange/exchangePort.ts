// What the exchange panel needs from the room it sits in. The panel (view model and components in
// this folder) is one implementation for two hosts: the web client, where the port is backed by
// matrix-js-sdk's Room, and the widget page inside Element or another client, where it is backed
// by matrix-widget-api and only what the user granted works. The panel never talks to Matrix
// except through this port.
import type { PracticeTimerContent, WidgetExchangeResponse } from "@xstream/contract";
import type { CorrectionContent } from "../corrections";

/** What the panel may ask its host for; a widget host may refuse any of them. */
export type ExchangeCapability =
  /** Read `m.room.message` events (and so corrections) in this room. */
  | "read_messages"
  /** Send `m.room.message` events carrying the correction relation. */
  | "send_correction"
  /** Read the shared practice timer's state event. */
  | "read_timer"
  /** Set the shared practice timer's state event. */
  | "set_timer"
  /** Read the room's membership (who the partner is). */
  | "read_members"
  /** Obtain an OpenID token, which identifies the viewer to the bridge. */
  | "openid";

/** A text message in the room, or a correction of one. */
export interface ExchangeEvent {
  eventId: string;
  senderId: string;
  /** Milliseconds since the epoch (origin_server_ts). */
  ts: number;
  /** The plain body; for a correction, its fallback. */
  body: string;
  /** Present when this event is an `org.xstream.correction` of another message. */
  correction?: { targetEventId: string; original: string; corrected: string };
}

export interface OpenIdToken {
  access_token: string;
  token_type: "Bearer";
  matrix_server_name: string;
  expires_in: number;
}

export interface ExchangeRoomPort {
  readonly roomId: string;
  readonly viewerId: string;
  /** True when the host granted the capability (the web client grants everything). */
  granted(capability: ExchangeCapability): boolean;
  /** Text messages and corrections received so far, oldest first. */
  events(): readonly ExchangeEvent[];
  /** The room's other joined member, when membership can be read and there is exactly one. */
  partnerId(): string | undefined;
  /** The running timer, or null when stopped or unreadable. */
  timer(): PracticeTimerContent | null;
  /** Called after any of the above may have changed; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
  /** Sends the correction as an `m.room.message` (content from `buildCorrectionContent`). */
  sendCorrection(content: CorrectionContent): Promise<void>;
  /** Starts, changes or (with `null`) stops the shared timer. */
  setTimer(content: PracticeTimerContent | null): Promise<void>;
  /** An OpenID token from the viewer's homeserver. */
  openIdToken(): Promise<OpenIdToken>;
}

/** Asks the bridge who the partners are (POST /api/widget/exchange), given an OpenID token. */
export type FetchExchangePeople = (
  roomId: string,
  token: OpenIdToken,
) => Promise<WidgetExchangeResponse>;
