/**
 * Matrix events as the homeserver pushes them to the appservice (client-server "ClientEvent"
 * format). Only the fields the bridge relies on are typed; everything else is kept untouched.
 */
export interface ClientEvent {
  type: string;
  room_id: string;
  sender: string;
  event_id: string;
  content: Record<string, unknown>;
  /** Present (possibly "") on state events, absent on timeline messages. */
  state_key?: string | undefined;
  /** Milliseconds since the epoch on the origin homeserver. */
  origin_server_ts?: number | undefined;
  [extra: string]: unknown;
}

/** Typing notifications, receipts and presence (MSC2409), which have no event id. */
export interface EphemeralEvent {
  type: string;
  content: Record<string, unknown>;
  room_id?: string | undefined;
  [extra: string]: unknown;
}

export interface AppserviceTransaction {
  events: ClientEvent[];
  ephemeral: EphemeralEvent[];
}

export function isStateEvent(event: ClientEvent): boolean {
  return event.state_key !== undefined;
}

/** True when `event` invites `userId` into a room. */
/** A user's own join or profile change (display name, avatar) in a room. */
export function isOwnJoin(event: ClientEvent): boolean {
  return (
    event.type === "m.room.member" &&
    event.state_key === event.sender &&
    event.content.membership === "join"
  );
}

export function isInviteFor(event: ClientEvent, userId: string): boolean {
  return (
    event.type === "m.room.member" &&
    event.state_key === userId &&
    event.content.membership === "invite"
  );
}
