import type { EventType, MatrixClient, RoomState } from "matrix-js-sdk";
import { CALL_MEMBER_EVENT } from "../../matrix/rtcSdk";
import { sdkValue } from "../../matrix/sdkValues";

const POWER_LEVELS = sdkValue<EventType.RoomPowerLevels>("m.room.power_levels");

/** A call we may not join, with the reason in words for the person. */
export class CallRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CallRefusedError";
  }
}

/**
 * Our membership is a state event, which many rooms only let moderators send (`private_chat`
 * rooms that other clients made). A room admin lets every member join calls, as Element does
 * in the rooms it creates; a member who may not join is told why.
 */
export async function ensureCallPermission(
  client: Pick<MatrixClient, "sendStateEvent">,
  room: { roomId: string; currentState: Pick<RoomState, "maySendStateEvent" | "getStateEvents"> },
  userId: string,
): Promise<void> {
  const state = room.currentState;
  const content = state.getStateEvents(POWER_LEVELS, "")?.getContent() as
    | { users_default?: unknown; state_default?: unknown; events?: Record<string, unknown> }
    | undefined;
  if (!content) return; // No power levels: everyone may send anything.
  const membersLevel = typeof content.users_default === "number" ? content.users_default : 0;
  const stateLevel = typeof content.state_default === "number" ? content.state_default : 50;
  const callLevel = content.events?.[CALL_MEMBER_EVENT];
  if ((typeof callLevel === "number" ? callLevel : stateLevel) <= membersLevel) return;
  if (state.maySendStateEvent(POWER_LEVELS, userId)) {
    await client.sendStateEvent(
      room.roomId,
      POWER_LEVELS,
      // biome-ignore lint/suspicious/noExplicitAny: the room's power levels go back as they were, plus one key.
      { ...content, events: { ...content.events, [CALL_MEMBER_EVENT]: membersLevel } } as any,
      "",
    );
    return;
  }
  if (state.maySendStateEvent(CALL_MEMBER_EVENT, userId)) return;
  throw new CallRefusedError(
    "Only moderators can join calls in this room. Ask an admin of the room to let members join calls.",
  );
}
