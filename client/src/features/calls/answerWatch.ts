import type { MatrixEvent, MatrixEventEvent, Room } from "matrix-js-sdk";
import type { MatrixRTCSession } from "matrix-js-sdk/lib/matrixrtc";
import { listenTo } from "../../matrix/liveSubscribers";
import { RTC_DECLINE_EVENT, RtcEvents } from "../../matrix/rtcSdk";
import { MatrixEvents, sdkValue } from "../../matrix/sdkValues";
import { type MembershipLike, personIn } from "./callMembers";
import { RING_TIMEOUT_MS } from "./ringing";

const DECRYPTED = sdkValue<MatrixEventEvent.Decrypted>("Event.decrypted");
/** Room members can send anything: keep only a few declines while our notification's id is due. */
const MAX_EARLY_DECLINES = 16;

/**
 * While the call we started rings the other person: hang up when they decline (MSC4310, a
 * reference to our notification) or have not joined after the ringing time.
 */
export function awaitAnswer({
  client,
  session,
  room,
  myUserId,
  calleeId,
  stillInCall,
  hangUp: giveUp,
}: {
  /** Where declines arrive (the client's timeline and decryption events). */
  client: unknown;
  session: Pick<MatrixRTCSession, "on" | "off"> & {
    readonly memberships: readonly MembershipLike[];
  };
  room: Pick<Room, "roomId" | "getMember">;
  myUserId: string;
  calleeId: string;
  /** Whether we are still in the call, so there is something to hang up. */
  stillInCall: () => boolean;
  /** Ends the call, saying why. */
  hangUp: (why: string) => void;
}): () => void {
  const callee = personIn(room, calleeId).name;
  let notificationId: string | null = null;
  // Declines that came before our notification's id did: its send's answer and their decline
  // (through their sync and ours) travel separately, so either may come first.
  const earlyDeclines = new Set<string>();
  let answered = false;
  const hangUp = (why: string) => {
    if (answered || !stillInCall()) return;
    answered = true; // Once.
    giveUp(why);
  };
  const onMemberships = () => {
    if (session.memberships.some((membership) => membership.userId !== myUserId)) {
      answered = true;
    }
  };
  const onDecline = (event: MatrixEvent) => {
    if (event.getType() !== RTC_DECLINE_EVENT || event.getSender() === myUserId) return;
    if (event.getRoomId() !== room.roomId) return;
    const declined = event.getContent()["m.relates_to"]?.event_id;
    if (typeof declined !== "string") return;
    if (notificationId === null) {
      if (earlyDeclines.size < MAX_EARLY_DECLINES) earlyDeclines.add(declined);
    } else if (declined === notificationId) {
      hangUp(`${callee} declined the call.`);
    }
  };
  const timer = setTimeout(() => hangUp(`${callee} didn't answer.`), RING_TIMEOUT_MS);
  const stopSession = listenTo(session, [
    [RtcEvents.MembershipsChanged, onMemberships],
    [
      RtcEvents.DidSendCallNotification,
      (notification: { event_id: string }) => {
        notificationId = notification.event_id;
        if (earlyDeclines.has(notificationId)) hangUp(`${callee} declined the call.`);
        earlyDeclines.clear();
      },
    ],
  ]);
  // Declines in encrypted rooms show their type once decrypted.
  const stopClient = listenTo(client, [
    [MatrixEvents.Timeline, onDecline],
    [DECRYPTED, onDecline],
  ]);
  onMemberships();
  return () => {
    clearTimeout(timer);
    stopSession();
    stopClient();
  };
}
