import { EventEmitter } from "node:events";
import type { IPushRules, MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import {
  BrowserNotifier,
  type NotificationSink,
  type NotifierClient,
  type NotifierPage,
} from "./BrowserNotifier";
import type { Attention } from "./notificationDecision";

const ME = "@tom:localhost";
const LUCIA = "@lucia:localhost";
const ROOM = "!partner:localhost";

function fakeRoom(roomId: string, unread = 0) {
  return {
    roomId,
    name: "Lucía",
    getMyMembership: () => "join",
    getUnreadNotificationCount: () => unread,
    getJoinedMemberCount: () => 2,
    getJoinedMembers: () => [{ userId: ME }, { userId: LUCIA }],
    getCreator: () => LUCIA,
    getMember: (userId: string) => ({ name: userId === LUCIA ? "Lucía" : "Tom" }),
    currentState: { getStateEvents: () => null },
  } as unknown as Room;
}

function fakeEvent(sender: string, body: string, type = "m.room.message"): MatrixEvent {
  return {
    getSender: () => sender,
    getType: () => type,
    getContent: () => ({ msgtype: "m.text", body }),
    sender: { name: sender === LUCIA ? "Lucía" : "Tom" },
  } as unknown as MatrixEvent;
}

function setUp(options: { notify?: boolean; rules?: IPushRules; synced?: boolean } = {}) {
  const emitter = new EventEmitter();
  const rooms = [fakeRoom(ROOM, 2)];
  const client = {
    getUserId: () => ME,
    getRoom: (id: string) => rooms.find((room) => room.roomId === id) ?? null,
    getRooms: () => rooms,
    getPushActionsForEvent: vi.fn(() => ({
      notify: options.notify ?? true,
      tweaks: {},
    })),
    decryptEventIfNeeded: async () => {},
    isInitialSyncComplete: () => options.synced ?? true,
    on: (name: string, listener: (...args: unknown[]) => void) => emitter.on(name, listener),
    off: (name: string, listener: (...args: unknown[]) => void) => emitter.off(name, listener),
    pushRules: options.rules,
  } as unknown as NotifierClient;
  const shown: { title: string; body: string; tag: string; onClick(): void; closed: boolean }[] =
    [];
  const sink: NotificationSink = {
    permission: () => "granted",
    requestPermission: async () => "granted",
    show: (notification) => {
      const entry = { ...notification, closed: false };
      shown.push(entry);
      return {
        close: () => {
          entry.closed = true;
        },
      };
    },
  };
  let attention: Attention = { looking: false, openRoomId: null };
  const opened: string[] = [];
  const titles: string[] = [];
  const page: NotifierPage = {
    attention: () => attention,
    open: (path) => opened.push(path),
    setTitle: (title) => titles.push(title),
    onAttentionChange: () => () => {},
    getFlag: () => false,
    setFlag: () => {},
  };
  const notifier = new BrowserNotifier(client, sink, page);
  const stop = notifier.subscribe(() => {});
  const receive = async (event: MatrixEvent, live = true) => {
    emitter.emit("Room.timeline", event, rooms[0], false, false, { liveEvent: live });
    await vi.waitFor(() => Promise.resolve());
  };
  return {
    notifier,
    client,
    shown,
    opened,
    titles,
    receive,
    stop,
    look: (next: Attention) => {
      attention = next;
    },
  };
}

describe("BrowserNotifier", () => {
  it("shows a partner's message the push rules notify, and a click opens the room", async () => {
    const { shown, opened, receive, client } = setUp();
    await receive(fakeEvent(LUCIA, "¿Hablamos?"));
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ title: "Lucía", body: "¿Hablamos?" });
    expect(client.getPushActionsForEvent).toHaveBeenCalledWith(expect.anything(), true);
    shown[0]?.onClick();
    expect(opened).toEqual([`/rooms/${encodeURIComponent(ROOM)}`]);
  });

  it("asks the push rules, and stays quiet when they say no", async () => {
    const { shown, receive, client } = setUp({ notify: false });
    await receive(fakeEvent(LUCIA, "muted"));
    await vi.waitFor(() => expect(client.getPushActionsForEvent).toHaveBeenCalled());
    expect(shown).toEqual([]);
  });

  it("ignores own messages, history and the first sync's catch-up", async () => {
    const own = setUp();
    await own.receive(fakeEvent(ME, "mine"));
    await own.receive(fakeEvent(LUCIA, "old"), false);
    const catchingUp = setUp({ synced: false });
    await catchingUp.receive(fakeEvent(LUCIA, "from before"));
    expect(own.shown).toEqual([]);
    expect(catchingUp.shown).toEqual([]);
    // Sending a message is what makes the offer to turn notifications on worth showing.
    expect(own.notifier.getSnapshot().offer).toBe(false);
  });

  it("leaves calls and other events to their own paths, even when the rules notify them", async () => {
    const { shown, receive, client } = setUp();
    await receive(fakeEvent(LUCIA, "", "org.matrix.msc4075.rtc.notification"));
    await receive(fakeEvent(LUCIA, "", "org.matrix.msc3401.call.member"));
    expect(client.getPushActionsForEvent).not.toHaveBeenCalled();
    expect(shown).toEqual([]);
  });

  it("stays quiet while the learner reads that room", async () => {
    const { shown, receive, look } = setUp();
    look({ looking: true, openRoomId: ROOM });
    await receive(fakeEvent(LUCIA, "seen"));
    look({ looking: true, openRoomId: "!other:localhost" });
    await receive(fakeEvent(LUCIA, "elsewhere"));
    await vi.waitFor(() => expect(shown.map((n) => n.body)).toEqual(["elsewhere"]));
  });

  it("puts the unread count in the page title", () => {
    const { titles, notifier } = setUp();
    expect(titles.at(-1)).toBe("(2) Xstream");
    expect(notifier.getSnapshot().unread).toBe(2);
  });

  it("rings in a notification until the ring stops, but not for a muted room", () => {
    const { shown, notifier } = setUp();
    notifier.ringing({ roomId: ROOM, callerName: "Lucía", intent: "audio" });
    expect(shown[0]).toMatchObject({ title: "Incoming voice call", tag: `ring:${ROOM}` });
    notifier.stopRinging();
    expect(shown[0]?.closed).toBe(true);

    const rules = {
      global: {
        override: [
          {
            rule_id: ROOM,
            enabled: true,
            default: false,
            actions: [],
            conditions: [{ kind: "event_match", key: "room_id", pattern: ROOM }],
          },
        ],
      },
    } as unknown as IPushRules;
    const muted = setUp({ rules });
    muted.notifier.ringing({ roomId: ROOM, callerName: "Lucía", intent: "video" });
    expect(muted.shown).toEqual([]);
  });
});
