import type { MatrixEvent, RoomState } from "matrix-js-sdk";
import { CALL_MEMBER_EVENT, type CallIntent, intentOf } from "../../matrix/rtcSdk";

/** A call membership state event (`org.matrix.msc3401.call.member`) as plain data. */
export type CallMemberEventInput = {
  /** Event id (a key for the row). */
  key: string;
  /** One per device: `_@user:server_DEVICE`, or the user id in older events. */
  stateKey: string;
  sender: { userId: string; name: string };
  ts: number;
  content: Record<string, unknown>;
};

export type CallNotice =
  | {
      kind: "started";
      key: string;
      ts: number;
      starter: { userId: string; name: string };
      intent: CallIntent;
      text: string;
    }
  | { kind: "ended"; key: string; ts: number; durationMs: number | null; text: string };

export function isCallMemberEvent(type: string): boolean {
  return type === CALL_MEMBER_EVENT;
}

/** A device in the call: a membership with an application (empty content is a leave). */
function isJoinedContent(content: Record<string, unknown>): boolean {
  return typeof content.application === "string" && typeof content.device_id === "string";
}

/**
 * The "started" and "ended" rows for a room's timeline, from its call membership events in
 * timeline order. A call starts when the first device joins and ends when the last one leaves.
 * `inCallBefore` is the set of state keys already in the call where the events begin (from the
 * state before them), so a call that began earlier ends without a "started" row.
 */
export function callNotices(
  events: readonly CallMemberEventInput[],
  options: { myUserId: string; inCallBefore?: Iterable<string>; callStartedAt?: number | null },
): CallNotice[] {
  const inCall = new Set(options.inCallBefore ?? []);
  let startedAt: number | null = inCall.size > 0 ? (options.callStartedAt ?? null) : null;
  const notices: CallNotice[] = [];
  for (const event of events) {
    const wasOn = inCall.size > 0;
    if (isJoinedContent(event.content)) inCall.add(event.stateKey);
    else inCall.delete(event.stateKey);
    const isOn = inCall.size > 0;
    if (!wasOn && isOn) {
      startedAt = event.ts;
      const intent = intentOf(event.content["m.call.intent"]);
      const who = event.sender.userId === options.myUserId ? "You" : event.sender.name;
      notices.push({
        kind: "started",
        key: event.key,
        ts: event.ts,
        starter: event.sender,
        intent,
        text: `${who} started a ${intent === "audio" ? "voice" : "video"} call`,
      });
    } else if (wasOn && !isOn) {
      notices.push({
        kind: "ended",
        key: event.key,
        ts: event.ts,
        durationMs: startedAt === null ? null : event.ts - startedAt,
        text: "Call ended",
      });
      startedAt = null;
    }
  }
  return notices;
}

/** A timeline's call membership event as `callNotices` reads it; null for any other event. */
export function callMemberEventInput(event: MatrixEvent): CallMemberEventInput | null {
  const stateKey = event.getStateKey();
  if (!isCallMemberEvent(event.getType()) || stateKey === undefined) return null;
  const userId = event.getSender() ?? "";
  return {
    key: event.getId() ?? `${stateKey}|${event.getTs()}`,
    stateKey,
    sender: { userId, name: event.sender?.name || userId },
    ts: event.getTs(),
    content: event.getContent(),
  };
}

/**
 * The devices in the call in a room state: for `inCallBefore`, from the state at the start of
 * the loaded timeline (`getState(Direction.Backward)`).
 */
export function devicesInCall(
  state: Pick<RoomState, "getStateEvents"> | null | undefined,
): string[] {
  const events = state?.getStateEvents(CALL_MEMBER_EVENT) ?? [];
  return events
    .filter((event) => isJoinedContent(event.getContent()))
    .map((event) => event.getStateKey() ?? "");
}
