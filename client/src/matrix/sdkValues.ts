import type {
  ClientEvent,
  Direction,
  EventStatus,
  RoomEvent,
  RoomMemberEvent,
  RoomStateEvent,
} from "matrix-js-sdk";

/**
 * An SDK enum member from its string value. The compiler checks the value against the SDK's
 * enum, and no SDK code is imported: matrix-js-sdk is loaded lazily after sign-in, and importing
 * its enums here would pull all of it into the first page's bundle.
 */
export const sdkValue = <E extends string>(value: `${E}`): E => value as unknown as E;

/** The matrix-js-sdk client events the app listens to. */
export const MatrixEvents = {
  /** A room the client had not seen (an invite, a join from elsewhere). */
  Room: sdkValue<ClientEvent.Room>("Room"),
  Timeline: sdkValue<RoomEvent.Timeline>("Room.timeline"),
  TimelineReset: sdkValue<RoomEvent.TimelineReset>("Room.timelineReset"),
  LocalEchoUpdated: sdkValue<RoomEvent.LocalEchoUpdated>("Room.localEchoUpdated"),
  Redaction: sdkValue<RoomEvent.Redaction>("Room.redaction"),
  RoomName: sdkValue<RoomEvent.Name>("Room.name"),
  MyMembership: sdkValue<RoomEvent.MyMembership>("Room.myMembership"),
  Members: sdkValue<RoomStateEvent.Members>("RoomState.members"),
  MemberName: sdkValue<RoomMemberEvent.Name>("RoomMember.name"),
  Membership: sdkValue<RoomMemberEvent.Membership>("RoomMember.membership"),
  PowerLevel: sdkValue<RoomMemberEvent.PowerLevel>("RoomMember.powerLevel"),
} as const;

/** Local echo states of an event being sent (`MatrixEvent.status`). */
export const SendStatus = {
  NotSent: sdkValue<EventStatus.NOT_SENT>("not_sent"),
  Sent: sdkValue<EventStatus.SENT>("sent"),
  Cancelled: sdkValue<EventStatus.CANCELLED>("cancelled"),
} as const;

/** The end of a timeline whose state is the room's current state. */
export const FORWARDS = sdkValue<Direction.Forward>("f");
