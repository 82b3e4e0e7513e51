import type {
  MatrixRTCSessionEvent,
  MatrixRTCSessionManagerEvents,
} from "matrix-js-sdk/lib/matrixrtc";
import { sdkValue } from "./sdkValues";

// matrix-js-sdk's MatrixRTC names as plain strings, checked against the SDK's enums: importing
// the enums would put the SDK's runtime into the chunks that load with the app frame.

/** Events of a room's `MatrixRTCSession` and of the client's `MatrixRTCSessionManager`. */
export const RtcEvents = {
  MembershipsChanged: sdkValue<MatrixRTCSessionEvent.MembershipsChanged>("memberships_changed"),
  JoinStateChanged: sdkValue<MatrixRTCSessionEvent.JoinStateChanged>("join_state_changed"),
  EncryptionKeyChanged:
    sdkValue<MatrixRTCSessionEvent.EncryptionKeyChanged>("encryption_key_changed"),
  MembershipManagerError: sdkValue<MatrixRTCSessionEvent.MembershipManagerError>(
    "membership_manager_error",
  ),
  DidSendCallNotification: sdkValue<MatrixRTCSessionEvent.DidSendCallNotification>(
    "did_send_call_notification",
  ),
  SessionStarted: sdkValue<MatrixRTCSessionManagerEvents.SessionStarted>("session_started"),
  SessionEnded: sdkValue<MatrixRTCSessionManagerEvents.SessionEnded>("session_ended"),
} as const;

/** A device's membership of a room's call (MSC3401 state event, one per device). */
export const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";
/** "A call started, come and join" (MSC4075), sent by the first one in a call. */
export const RTC_NOTIFICATION_EVENT = "org.matrix.msc4075.rtc.notification";
/** The notification's predecessor, still sent by older Element Call versions. */
export const LEGACY_CALL_NOTIFY_EVENT = "org.matrix.msc4075.call.notify";
/** "I won't answer" (MSC4310), a reference to the notification. */
export const RTC_DECLINE_EVENT = "org.matrix.msc4310.rtc.decline";

/** What kind of call someone started; anything else counts as a video call, as in Element Call. */
export type CallIntent = "audio" | "video";

export function intentOf(value: unknown): CallIntent {
  return value === "audio" ? "audio" : "video";
}
