import { afterEach, describe, expect, it, vi } from "vitest";
import { RTC_DECLINE_EVENT, RtcEvents } from "../../matrix/rtcSdk";
import { MatrixEvents } from "../../matrix/sdkValues";
import { FakeEmitter } from "../../test/fakeEmitter";
import { RoomCall, type RoomCallDeps } from "./RoomCall";
import { RING_TIMEOUT_MS } from "./ringing";
import {
  type FakeCallMedia,
  FakeRtcSession,
  fakeEvent,
  fakeMediaFactory,
  fakeMembership,
  fakeParticipant,
  fakeRoom,
  fakeTrack,
  jsonResponse,
  OPENID_TOKEN,
} from "./testing/fakeCalls";

const ROOM = "!practice:example.org";
const ME = "@ana:example.org";
const BEN = "@ben:example.org";
const SERVICE = "https://chat.example.org";

function setUp(
  options: {
    encrypted?: boolean;
    crypto?: boolean;
    tokenResponse?: Response;
    encryptionSupported?: boolean;
    powerLevels?: { users: Record<string, number>; events: Record<string, number> };
    onMedia?: (media: FakeCallMedia) => void;
  } = {},
) {
  const log: string[] = [];
  const session = new FakeRtcSession();
  session.joinRTCSession.mockImplementation(() => log.push("joinRTCSession"));
  session.leaveRoomSession.mockImplementation(async () => {
    log.push("leaveRoomSession");
    return true;
  });
  const requests: { url: string; body: unknown }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null });
    log.push(`fetch ${url}`);
    return (
      options.tokenResponse ?? jsonResponse(200, { url: "ws://127.0.0.1:7880", jwt: "lk-jwt" })
    );
  });
  const client = Object.assign(new FakeEmitter(), {
    getUserId: () => ME,
    getDeviceId: () => "ANADEVICE",
    getOpenIdToken: vi.fn(async () => {
      log.push("getOpenIdToken");
      return OPENID_TOKEN;
    }),
    _unstable_getRTCTransports: vi.fn(async () => {
      log.push("getRTCTransports");
      return [{ type: "livekit", livekit_service_url: SERVICE }];
    }),
    getCrypto: () => (options.crypto === false ? undefined : {}),
    sendStateEvent: vi.fn(async (_roomId: string, type: string) => {
      log.push(`sendStateEvent ${type}`);
      return { event_id: "$state" };
    }),
  });
  const { factory, created } = fakeMediaFactory(log, {
    encryption: options.encryptionSupported ?? true,
  });
  const create = factory.create;
  factory.create = (mediaOptions) => {
    const media = create(mediaOptions) as FakeCallMedia;
    options.onMedia?.(media);
    return media;
  };
  const room = fakeRoom(
    ROOM,
    [
      { userId: ME, name: "Ana Lima" },
      { userId: BEN, name: "Ben Okafor" },
    ],
    { encrypted: options.encrypted ?? false, powerLevels: options.powerLevels },
  );
  let now = 1_000_000;
  const call = new RoomCall({
    client,
    room,
    session,
    loadMedia: async () => factory,
    fetch,
    origin: SERVICE,
    now: () => now,
  } as unknown as RoomCallDeps);
  const stop = call.subscribe(() => {});
  return {
    call,
    log,
    session,
    client,
    requests,
    created,
    media: () => {
      const media = created[0];
      if (!media) throw new Error("no media was created");
      return media;
    },
    advance: (ms: number) => {
      now += ms;
    },
    stop,
  };
}

describe("RoomCall", () => {
  it("joins in order: OpenID token, LiveKit token, SFU, publish, then the membership", async () => {
    const { call, log, requests, session } = setUp();
    await call.join({ intent: "video", ringing: BEN });

    expect(log).toEqual([
      "getRTCTransports",
      "getOpenIdToken",
      `fetch ${SERVICE}/sfu/get`,
      "connect ws://127.0.0.1:7880 lk-jwt",
      "microphone true",
      "camera true",
      "joinRTCSession",
    ]);
    // lk-jwt-service's legacy request, for a m.call.member membership.
    expect(requests[0]?.body).toEqual({
      room: ROOM,
      openid_token: OPENID_TOKEN,
      device_id: "ANADEVICE",
    });
    const [identity, foci, multiSfu, config] = session.joinRTCSession.mock.calls[0] ?? [];
    expect(identity).toEqual({ userId: ME, deviceId: "ANADEVICE", memberId: `${ME}:ANADEVICE` });
    expect(foci).toEqual([{ type: "livekit", livekit_service_url: SERVICE, livekit_alias: ROOM }]);
    expect(multiSfu).toBeUndefined();
    expect(config).toMatchObject({
      callIntent: "video",
      notificationType: "ring",
      manageMediaKeys: false,
      delayedLeaveEventDelayMs: expect.any(Number),
      membershipEventExpiryMs: expect.any(Number),
    });
    expect(call.getSnapshot()).toMatchObject({
      phase: "joined",
      joinedAt: 1_000_000,
      connection: "connected",
      microphoneOn: true,
      cameraOn: true,
      error: null,
    });
  });

  it("starts a voice call with the microphone only, and notifies a group rather than ringing", async () => {
    const { call, log, session } = setUp();
    await call.join({ intent: "audio", ringing: null });
    expect(log).not.toContain("camera true");
    expect(session.joinRTCSession.mock.calls[0]?.[3]).toMatchObject({
      callIntent: "audio",
      notificationType: "notification",
    });
    expect(call.getSnapshot().cameraOn).toBe(false);
  });

  it("joins a call in progress on the SFU of its oldest member, without discovery", async () => {
    const { call, log, session, requests } = setUp();
    session.memberships = [
      fakeMembership({ userId: BEN, serviceUrl: "https://sfu.other.example", createdTs: 5 }),
    ];
    await call.join({ intent: "video", ringing: null });
    expect(log).not.toContain("getRTCTransports");
    expect(requests[0]?.url).toBe("https://sfu.other.example/sfu/get");
  });

  it("shows a tile per member: their video and microphone, or connecting until their media arrives", async () => {
    const { call, session, media } = setUp();
    await call.join({ intent: "video", ringing: null });
    const carla = "@carla:example.org";
    session.setMemberships([
      fakeMembership({ userId: BEN, deviceId: "BENDEVICE" }),
      fakeMembership({ userId: carla, deviceId: "CARLADEVICE" }),
      fakeMembership({ userId: ME, deviceId: "ANADEVICE" }),
    ]);
    const camera = fakeTrack("ben-camera");
    const voice = fakeTrack("ben-voice");
    media().setSnapshot({
      participants: new Map([
        [
          `${BEN}:BENDEVICE`,
          fakeParticipant(`${BEN}:BENDEVICE`, {
            camera,
            microphoneOn: false,
            speaking: true,
            audio: [voice],
          }),
        ],
        ["me", fakeParticipant("me", { isLocal: true })],
      ]),
    });

    const { tiles, remoteAudio } = call.getSnapshot();
    expect(tiles.map((tile) => [tile.person.name, tile.isLocal, tile.connecting])).toEqual([
      ["Ben Okafor", false, false],
      [carla, false, true],
      ["Ana Lima", true, false],
    ]);
    expect(tiles[0]).toMatchObject({ video: camera, microphoneOn: false, speaking: true });
    expect(remoteAudio).toEqual([voice]);
  });

  it("mutes and unmutes the microphone and turns the camera off", async () => {
    const { call, media } = setUp();
    await call.join({ intent: "video", ringing: null });
    await call.setMicrophoneEnabled(false);
    expect(media().setMicrophoneEnabled).toHaveBeenLastCalledWith(false);
    expect(call.getSnapshot().microphoneOn).toBe(false);
    await call.setMicrophoneEnabled(true);
    expect(call.getSnapshot().microphoneOn).toBe(true);
    await call.setCameraEnabled(false);
    expect(call.getSnapshot().cameraOn).toBe(false);
  });

  it("leaves: stops media, leaves the SFU and ends the membership", async () => {
    const { call, log, media } = setUp();
    await call.join({ intent: "video", ringing: null });
    log.length = 0;
    await call.leave();
    expect(media().disconnect).toHaveBeenCalledOnce();
    expect(log).toEqual(expect.arrayContaining(["disconnect", "leaveRoomSession"]));
    expect(call.getSnapshot()).toMatchObject({
      phase: "idle",
      joinedAt: null,
      connection: null,
      tiles: [],
      remoteAudio: [],
    });
  });

  it("stops a join that was left half-way, without announcing a membership", async () => {
    const { call, client, session } = setUp();
    let release: () => void = () => {};
    client.getOpenIdToken.mockImplementation(
      () =>
        new Promise((resolve) => {
          release = () => resolve(OPENID_TOKEN);
        }),
    );
    const joining = call.join({ intent: "video", ringing: null });
    await vi.waitFor(() => expect(client.getOpenIdToken).toHaveBeenCalled());
    await call.leave();
    release();
    await joining;
    expect(session.joinRTCSession).not.toHaveBeenCalled();
    expect(call.getSnapshot().phase).toBe("idle");
  });

  it("says why the call service refused, and stays out of the call", async () => {
    const { call, session, created } = setUp({
      tokenResponse: jsonResponse(403, { errcode: "M_FORBIDDEN", error: "Not a room member" }),
    });
    await call.join({ intent: "video", ringing: null });
    expect(call.getSnapshot()).toMatchObject({
      phase: "idle",
      error: "Couldn't join the call: The call service refused: Not a room member",
    });
    expect(created).toHaveLength(0);
    expect(session.joinRTCSession).not.toHaveBeenCalled();
  });

  it("keeps the call when the microphone is refused, and says so", async () => {
    const { call, session } = setUp({
      onMedia: (media) =>
        media.setMicrophoneEnabled.mockRejectedValueOnce(
          Object.assign(new Error("Permission denied"), { name: "NotAllowedError" }),
        ),
    });
    await call.join({ intent: "audio", ringing: null });
    expect(session.joinRTCSession).toHaveBeenCalled();
    expect(call.getSnapshot()).toMatchObject({
      phase: "joined",
      error: expect.stringContaining("isn't allowed to use your microphone"),
    });
  });

  it("encrypts media in an encrypted room: keys from the session go to the media", async () => {
    const { call, session, media } = setUp({ encrypted: true });
    await call.join({ intent: "video", ringing: null });
    expect(media().options).toEqual({ encrypted: true });
    expect(session.joinRTCSession.mock.calls[0]?.[3]).toMatchObject({ manageMediaKeys: true });
    expect(session.reemitEncryptionKeys).toHaveBeenCalled();
    const key = new Uint8Array([1, 2, 3]);
    session.emit(
      RtcEvents.EncryptionKeyChanged,
      key,
      4,
      { userId: BEN, deviceId: "BENDEVICE" },
      `${BEN}:BENDEVICE`,
    );
    expect(media().setEncryptionKey).toHaveBeenCalledWith(`${BEN}:BENDEVICE`, 4, key);
    expect(call.getSnapshot().encrypted).toBe(true);

    await call.leave();
    expect(session.listenerCount(RtcEvents.EncryptionKeyChanged)).toBe(0);
  });

  it("refuses an encrypted room's call when this tab has no encryption, rather than call in clear", async () => {
    const { call, client, created } = setUp({ encrypted: true, crypto: false });
    await call.join({ intent: "video", ringing: null });
    expect(call.getSnapshot().error).toMatch(/encrypted.*encryption isn't available/);
    expect(client.getOpenIdToken).not.toHaveBeenCalled();
    expect(created).toHaveLength(0);
  });

  it("refuses an encrypted room's call in a browser that cannot encrypt media", async () => {
    const { call, created } = setUp({ encrypted: true, encryptionSupported: false });
    await call.join({ intent: "video", ringing: null });
    expect(call.getSnapshot().error).toMatch(/can't encrypt call media/);
    expect(created).toHaveLength(0);
  });

  it("shows reconnecting, and leaves when the SFU connection is lost for good", async () => {
    const { call, media, log } = setUp();
    await call.join({ intent: "video", ringing: null });
    media().setSnapshot({ state: "reconnecting" });
    expect(call.getSnapshot().connection).toBe("reconnecting");
    media().setSnapshot({ state: "connected" });
    expect(call.getSnapshot().connection).toBe("connected");
    media().setSnapshot({ state: "disconnected" });
    await vi.waitFor(() => expect(call.getSnapshot().phase).toBe("idle"));
    expect(call.getSnapshot().error).toBe("The connection to the call was lost.");
    expect(log).toContain("leaveRoomSession");
  });

  it("lets members join calls when an admin starts one where only moderators could", async () => {
    const { call, log, client } = setUp({
      powerLevels: {
        users: { [ME]: 100 },
        events: { "m.room.power_levels": 100, "m.room.name": 50 },
      },
    });
    await call.join({ intent: "video", ringing: BEN });
    expect(log.slice(0, 2)).toEqual(["sendStateEvent m.room.power_levels", "getRTCTransports"]);
    expect(client.sendStateEvent).toHaveBeenCalledWith(
      ROOM,
      "m.room.power_levels",
      {
        users: { [ME]: 100 },
        events: {
          "m.room.power_levels": 100,
          "m.room.name": 50,
          "org.matrix.msc3401.call.member": 0,
        },
      },
      "",
    );
    expect(call.getSnapshot().phase).toBe("joined");
  });

  it("tells a member who may not join calls here why, without touching the call service", async () => {
    const { call, client } = setUp({
      powerLevels: { users: { [BEN]: 100 }, events: { "m.room.power_levels": 100 } },
    });
    await call.join({ intent: "video", ringing: null });
    expect(call.getSnapshot()).toMatchObject({
      phase: "idle",
      error: expect.stringContaining("Only moderators can join calls in this room"),
    });
    expect(client.getOpenIdToken).not.toHaveBeenCalled();
    expect(client.sendStateEvent).not.toHaveBeenCalled();
  });

  describe("ringing the other person of a one-to-one room", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    const decline = (notificationId: string) =>
      fakeEvent({
        id: "$decline",
        type: RTC_DECLINE_EVENT,
        sender: BEN,
        roomId: ROOM,
        content: { "m.relates_to": { rel_type: "m.reference", event_id: notificationId } },
      });

    it("hangs up when they decline our call's notification", async () => {
      const { call, client, session, media } = setUp();
      await call.join({ intent: "video", ringing: BEN });
      session.emit(RtcEvents.DidSendCallNotification, { event_id: "$notify" });
      // Someone else's decline, or one of another notification, changes nothing.
      client.emit(MatrixEvents.Timeline, decline("$another"));
      expect(call.getSnapshot().phase).toBe("joined");

      client.emit(MatrixEvents.Timeline, decline("$notify"));
      await vi.waitFor(() => expect(call.getSnapshot().phase).toBe("idle"));
      expect(call.getSnapshot().error).toBe("Ben Okafor declined the call.");
      expect(media().disconnect).toHaveBeenCalled();
    });

    it("hangs up when their decline arrives before our notification's send has answered", async () => {
      const { call, client, session } = setUp();
      await call.join({ intent: "audio", ringing: BEN });
      client.emit(MatrixEvents.Timeline, decline("$another"));
      client.emit(MatrixEvents.Timeline, decline("$notify"));
      expect(call.getSnapshot().phase).toBe("joined");
      session.emit(RtcEvents.DidSendCallNotification, { event_id: "$notify" });
      await vi.waitFor(() => expect(call.getSnapshot().phase).toBe("idle"));
      expect(call.getSnapshot().error).toBe("Ben Okafor declined the call.");
    });

    it("hangs up when nobody answers within the ringing time", async () => {
      vi.useFakeTimers();
      const { call } = setUp();
      await call.join({ intent: "audio", ringing: BEN });
      await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1);
      expect(call.getSnapshot().phase).toBe("joined");
      await vi.advanceTimersByTimeAsync(1);
      expect(call.getSnapshot()).toMatchObject({
        phase: "idle",
        error: "Ben Okafor didn't answer.",
      });
    });

    it("stays once they answered, even if they leave again", async () => {
      vi.useFakeTimers();
      const { call, session } = setUp();
      await call.join({ intent: "video", ringing: BEN });
      session.setMemberships([fakeMembership({ userId: ME }), fakeMembership({ userId: BEN })]);
      session.setMemberships([fakeMembership({ userId: ME })]);
      await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS);
      expect(call.getSnapshot()).toMatchObject({ phase: "joined", error: null });
    });
  });

  it("lists who is in the room's call before joining, and its kind", () => {
    const { call, session } = setUp();
    session.setMemberships([
      fakeMembership({ userId: BEN, deviceId: "PHONE", callIntent: "audio" }),
      fakeMembership({ userId: BEN, deviceId: "LAPTOP", callIntent: "audio" }),
    ]);
    expect(call.getSnapshot()).toMatchObject({
      phase: "idle",
      intent: "audio",
      people: [{ userId: BEN, name: "Ben Okafor" }],
      tiles: [],
    });
  });
});
