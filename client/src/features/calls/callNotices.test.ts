import type { MatrixEvent } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import {
  type CallMemberEventInput,
  callMemberEventInput,
  callNotices,
  devicesInCall,
} from "./callNotices";

const ANA = { userId: "@ana:x", name: "Ana Lima" };
const BEN = { userId: "@ben:x", name: "Ben Okafor" };

function joined(key: string, who: typeof ANA, device: string, ts: number, intent?: string) {
  return {
    key,
    stateKey: `_${who.userId}_${device}`,
    sender: who,
    ts,
    content: {
      application: "m.call",
      call_id: "",
      scope: "m.room",
      device_id: device,
      ...(intent ? { "m.call.intent": intent } : {}),
    },
  } satisfies CallMemberEventInput;
}

function left(key: string, who: typeof ANA, device: string, ts: number): CallMemberEventInput {
  return { key, stateKey: `_${who.userId}_${device}`, sender: who, ts, content: {} };
}

describe("callNotices", () => {
  it("has a call start with its first member and end with its last", () => {
    const notices = callNotices(
      [
        joined("$1", ANA, "A", 1_000, "video"),
        joined("$2", BEN, "B", 5_000, "video"),
        left("$3", ANA, "A", 60_000),
        left("$4", BEN, "B", 125_000),
      ],
      { myUserId: BEN.userId },
    );
    expect(notices).toEqual([
      {
        kind: "started",
        key: "$1",
        ts: 1_000,
        starter: ANA,
        intent: "video",
        text: "Ana Lima started a video call",
      },
      { kind: "ended", key: "$4", ts: 125_000, durationMs: 124_000, text: "Call ended" },
    ]);
  });

  it("says you for our own call, and voice for an audio call", () => {
    const [started] = callNotices([joined("$1", BEN, "B", 0, "audio")], { myUserId: BEN.userId });
    expect(started?.text).toBe("You started a voice call");
  });

  it("counts devices: a second device leaving does not end the call", () => {
    const notices = callNotices(
      [
        joined("$1", ANA, "PHONE", 0),
        joined("$2", ANA, "LAPTOP", 10),
        left("$3", ANA, "PHONE", 20),
      ],
      { myUserId: BEN.userId },
    );
    expect(notices.map((n) => n.kind)).toEqual(["started"]);
  });

  it("ends a call that began before the events, without a duration it cannot know", () => {
    const notices = callNotices([left("$9", ANA, "A", 50)], {
      myUserId: BEN.userId,
      inCallBefore: [`_${ANA.userId}_A`],
    });
    expect(notices).toEqual([
      { kind: "ended", key: "$9", ts: 50, durationMs: null, text: "Call ended" },
    ]);
  });

  it("starts a new call after one ended", () => {
    const notices = callNotices(
      [joined("$1", ANA, "A", 0), left("$2", ANA, "A", 10), joined("$3", BEN, "B", 20, "audio")],
      { myUserId: ANA.userId },
    );
    expect(notices.map((n) => n.text)).toEqual([
      "You started a video call",
      "Call ended",
      "Ben Okafor started a voice call",
    ]);
  });
});

describe("callMemberEventInput and devicesInCall", () => {
  const event = (fields: { type: string; stateKey?: string; content: Record<string, unknown> }) =>
    ({
      getType: () => fields.type,
      getStateKey: () => fields.stateKey,
      getId: () => "$e",
      getSender: () => ANA.userId,
      sender: { name: ANA.name },
      getTs: () => 42,
      getContent: () => fields.content,
    }) as unknown as MatrixEvent;

  it("reads call membership state events and nothing else", () => {
    const content = { application: "m.call", device_id: "A" };
    expect(
      callMemberEventInput(
        event({ type: "org.matrix.msc3401.call.member", stateKey: "_@ana:x_A", content }),
      ),
    ).toEqual({ key: "$e", stateKey: "_@ana:x_A", sender: ANA, ts: 42, content });
    expect(callMemberEventInput(event({ type: "m.room.message", content: {} }))).toBeNull();
  });

  it("lists the devices a room state has in the call", () => {
    const state = {
      getStateEvents: () => [
        event({
          type: "org.matrix.msc3401.call.member",
          stateKey: "_@ana:x_A",
          content: { application: "m.call", device_id: "A" },
        }),
        event({ type: "org.matrix.msc3401.call.member", stateKey: "_@ben:x_B", content: {} }),
      ],
    };
    expect(devicesInCall(state as never)).toEqual(["_@ana:x_A"]);
  });
});
