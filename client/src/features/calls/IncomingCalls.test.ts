import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RTC_NOTIFICATION_EVENT } from "../../matrix/rtcSdk";
import { MatrixEvents } from "../../matrix/sdkValues";
import { IncomingCalls, type IncomingCallsClient, RING_TIMEOUT_MS } from "./IncomingCalls";
import { fakeCallsClient, fakeEvent, fakeMembership, fakeRoom } from "./testing/fakeCalls";

const ME = "@ben:example.org";
const ANA = "@ana:example.org";
const CARLA = "@carla:example.org";
const DM = "!dm:example.org";
const GROUP = "!group:example.org";
const NOW = 1_700_000_000_000;

function setUp() {
  const rooms = [
    fakeRoom(DM, [
      { userId: ANA, name: "Ana Lima" },
      { userId: ME, name: "Ben Okafor" },
    ]),
    fakeRoom(
      GROUP,
      [
        { userId: ANA, name: "Ana Lima" },
        { userId: ME, name: "Ben Okafor" },
        { userId: CARLA, name: "Carla Ruiz" },
      ],
      { name: "Study group" },
    ),
  ];
  const fake = fakeCallsClient(ME, rooms);
  const ringtone = { start: vi.fn(), stop: vi.fn() };
  const onChange = vi.fn();
  let inCall: string | null = null;
  const incoming = new IncomingCalls({
    client: fake.client as unknown as IncomingCallsClient,
    ringtone,
    now: () => Date.now(),
    inCall: (roomId) => roomId === inCall,
    onChange,
  });
  const stop = incoming.start();
  return {
    ...fake,
    incoming,
    ringtone,
    onChange,
    stop,
    setInCall: (roomId: string | null) => {
      inCall = roomId;
    },
  };
}

const anaCalls = (intent = "video") =>
  fakeMembership({ userId: ANA, deviceId: "ANAPHONE", createdTs: NOW - 1000, callIntent: intent });

describe("IncomingCalls", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("rings when the other person starts a call in a one-to-one room", () => {
    const { incoming, startSession, ringtone } = setUp();
    startSession(DM, [anaCalls("audio")]);
    expect(incoming.getSnapshot().ringing).toEqual({
      roomId: DM,
      caller: { userId: ANA, name: "Ana Lima", avatarUrl: null },
      intent: "audio",
      notificationEventId: null,
    });
    expect(ringtone.start).toHaveBeenCalledOnce();
  });

  it("stops ringing after 30 seconds and shows a missed call", () => {
    const { incoming, startSession, ringtone } = setUp();
    startSession(DM, [anaCalls()]);
    vi.advanceTimersByTime(RING_TIMEOUT_MS - 1);
    expect(incoming.getSnapshot().ringing).not.toBeNull();
    expect(ringtone.stop).not.toHaveBeenCalled();

    vi.advanceTimersByTime(1);
    expect(ringtone.stop).toHaveBeenCalled();
    expect(incoming.getSnapshot()).toMatchObject({
      ringing: null,
      missed: [
        { roomId: DM, caller: { name: "Ana Lima" }, intent: "video", at: NOW + RING_TIMEOUT_MS },
      ],
    });
  });

  it("declining stops the ringing and answers the caller's notification, with no missed call", () => {
    const { incoming, startSession, client, ringtone } = setUp();
    startSession(DM, [anaCalls()]);
    client.emit(
      MatrixEvents.Timeline,
      fakeEvent({
        id: "$notify",
        type: RTC_NOTIFICATION_EVENT,
        sender: ANA,
        roomId: DM,
        content: { sender_ts: NOW, lifetime: 30_000, notification_type: "ring" },
      }),
      client.getRoom(DM),
      false,
      false,
      { liveEvent: true },
    );
    incoming.decline();
    expect(ringtone.stop).toHaveBeenCalled();
    expect(client.sendRtcDecline).toHaveBeenCalledWith(DM, "$notify");
    vi.advanceTimersByTime(RING_TIMEOUT_MS);
    expect(incoming.getSnapshot()).toEqual({ ringing: null, missed: [] });
  });

  it("declining before the caller's notification arrives answers it when it comes, without ringing again", () => {
    const { incoming, startSession, endSession, client, ringtone } = setUp();
    const notification = (id: string) =>
      fakeEvent({
        id,
        type: RTC_NOTIFICATION_EVENT,
        sender: ANA,
        roomId: DM,
        content: { sender_ts: Date.now(), lifetime: 30_000, notification_type: "ring" },
      });
    const deliver = (id: string) =>
      client.emit(MatrixEvents.Timeline, notification(id), client.getRoom(DM), false, false, {
        liveEvent: true,
      });
    // Ana's membership rings first; her client sends the notification only once it has seen
    // that membership come back from the server.
    startSession(DM, [anaCalls("audio")]);
    incoming.decline();
    expect(client.sendRtcDecline).not.toHaveBeenCalled();
    deliver("$notify");
    expect(client.sendRtcDecline).toHaveBeenCalledExactlyOnceWith(DM, "$notify");
    // The same notification again (decrypted, or the older event type): still declined, once.
    deliver("$notify-legacy");
    expect(client.sendRtcDecline).toHaveBeenCalledOnce();
    expect(ringtone.start).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(RING_TIMEOUT_MS);
    expect(incoming.getSnapshot()).toEqual({ ringing: null, missed: [] });

    // Ana's next call rings.
    endSession(DM);
    vi.advanceTimersByTime(5_000);
    startSession(DM, [
      fakeMembership({ userId: ANA, deviceId: "ANAPHONE", createdTs: Date.now() - 500 }),
    ]);
    deliver("$notify-next");
    expect(incoming.getSnapshot().ringing).toMatchObject({
      roomId: DM,
      notificationEventId: "$notify-next",
    });
  });

  it("rings for a call that started just before it listened, not for an older one", () => {
    const rooms = [
      fakeRoom(DM, [
        { userId: ANA, name: "Ana Lima" },
        { userId: ME, name: "Ben Okafor" },
      ]),
    ];
    const listenFrom = (createdTs: number) => {
      const fake = fakeCallsClient(ME, rooms);
      // The SDK saw Ana's membership (and said so) before anyone listened.
      fake.session(DM).memberships = [fakeMembership({ userId: ANA, createdTs })];
      const incoming = new IncomingCalls({
        client: fake.client as unknown as IncomingCallsClient,
        ringtone: { start: vi.fn(), stop: vi.fn() },
        now: () => Date.now(),
        inCall: () => false,
        onChange: vi.fn(),
      });
      incoming.start();
      return incoming.getSnapshot().ringing;
    };
    expect(listenFrom(NOW - 2_000)).toMatchObject({ roomId: DM, caller: { userId: ANA } });
    expect(listenFrom(NOW - 5 * 60_000)).toBeNull();
  });

  it("a missed call when the caller hangs up before we answer", () => {
    const { incoming, startSession, session } = setUp();
    startSession(DM, [anaCalls()]);
    session(DM).setMemberships([]);
    expect(incoming.getSnapshot().ringing).toBeNull();
    expect(incoming.getSnapshot().missed).toHaveLength(1);
  });

  it("stops without a missed call when we answer on another device", () => {
    const { incoming, startSession, session, ringtone } = setUp();
    startSession(DM, [anaCalls()]);
    session(DM).setMemberships([anaCalls(), fakeMembership({ userId: ME, deviceId: "PHONE" })]);
    expect(ringtone.stop).toHaveBeenCalled();
    expect(incoming.getSnapshot()).toEqual({ ringing: null, missed: [] });
  });

  it("accepting hands over the call and stops ringing", () => {
    const { incoming, startSession, ringtone } = setUp();
    startSession(DM, [anaCalls()]);
    expect(incoming.accept()).toMatchObject({ roomId: DM, intent: "video" });
    expect(ringtone.stop).toHaveBeenCalled();
    vi.advanceTimersByTime(RING_TIMEOUT_MS);
    expect(incoming.getSnapshot()).toEqual({ ringing: null, missed: [] });
  });

  it("does not ring for a group's call, an old call, or a call we are in", () => {
    const { incoming, startSession, endSession, setInCall, ringtone } = setUp();
    startSession(GROUP, [anaCalls()]);
    startSession(DM, [fakeMembership({ userId: ANA, createdTs: NOW - 5 * 60_000 })]);
    endSession(DM);
    setInCall(DM);
    startSession(DM, [anaCalls()]);
    expect(incoming.getSnapshot().ringing).toBeNull();
    expect(ringtone.start).not.toHaveBeenCalled();
  });

  it("rings for the caller's notification of a call we already knew was on", () => {
    const { incoming, session, client } = setUp();
    session(DM).memberships = [fakeMembership({ userId: ANA, createdTs: NOW - 5 * 60_000 })];
    const notification = (sentAt: number) =>
      fakeEvent({
        id: `$notify-${sentAt}`,
        type: RTC_NOTIFICATION_EVENT,
        sender: ANA,
        roomId: DM,
        content: { sender_ts: sentAt, lifetime: 30_000, notification_type: "ring" },
      });
    // Expired: sent long ago (an old event seen again).
    client.emit(
      MatrixEvents.Timeline,
      notification(NOW - 60_000),
      client.getRoom(DM),
      false,
      false,
      {
        liveEvent: true,
      },
    );
    expect(incoming.getSnapshot().ringing).toBeNull();

    client.emit(MatrixEvents.Timeline, notification(NOW - 500), client.getRoom(DM), false, false, {
      liveEvent: true,
    });
    expect(incoming.getSnapshot().ringing).toMatchObject({
      roomId: DM,
      notificationEventId: `$notify-${NOW - 500}`,
    });
  });

  it("stops ringing and listening when stopped", () => {
    const { incoming, startSession, stop, ringtone, client } = setUp();
    startSession(DM, [anaCalls()]);
    stop();
    expect(ringtone.stop).toHaveBeenCalled();
    expect(client.matrixRTC.listenerCount("session_started")).toBe(0);
    expect(client.listenerCount(MatrixEvents.Timeline)).toBe(0);
    vi.advanceTimersByTime(RING_TIMEOUT_MS);
    expect(incoming.getSnapshot()).toEqual({ ringing: null, missed: [] });
  });
});
