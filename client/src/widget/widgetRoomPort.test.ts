// The port over matrix-widget-api, driven by the library's real host side (ClientWidgetApi) with
// an in-memory driver: reading, live updates, sending, the timer, OpenID, and hostile events.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { buildCorrectionContent } from "../features/corrections";
import { fastestMs, hostileText } from "../test/hostileInput";
import { fakeWidgetHostPerTest } from "../test/widgetHost";
import { WIDGET_CAPABILITIES } from "./capabilities";
import {
  type FakeHostOptions,
  membership,
  PARTNER,
  roomEvent,
  textMessage,
  VIEWER,
} from "./fakeWidgetHost";
import { MAX_EVENTS, OpenIdRefusedError, toExchangeEvent } from "./widgetRoomPort";

const widgetHost = fakeWidgetHostPerTest();

async function connect(options: FakeHostOptions = {}) {
  const { host, session } = await widgetHost.connect(options);
  return { port: session.port, host };
}

const timerState = (content: Record<string, unknown>, ts: number) =>
  roomEvent({
    type: "org.xstream.practice_timer",
    state_key: "",
    sender: PARTNER,
    content,
    origin_server_ts: ts,
  });

const RUNNING = { languages: ["en", "pt"], minutes: 10, started_at: 1_700_000_000_000 };

/** Resolves on the port's next change notification. */
const nextChange = (port: { subscribe(listener: () => void): () => void }) =>
  new Promise<void>((resolve) => {
    const stop = port.subscribe(() => {
      stop();
      resolve();
    });
  });

describe("reading the room", () => {
  it("reads recent text messages and corrections, oldest first", async () => {
    const hello = textMessage("I has a cat");
    const correction = textMessage("Correction: “I have a cat”", VIEWER, {
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: hello.event_id },
      "org.xstream.correction": { original: "I has a cat", corrected: "I have a cat" },
    });
    const { port } = await connect({ timeline: [hello, correction] });
    expect(port.events()).toEqual([
      {
        eventId: hello.event_id,
        senderId: PARTNER,
        ts: hello.origin_server_ts,
        body: "I has a cat",
      },
      {
        eventId: correction.event_id,
        senderId: VIEWER,
        ts: correction.origin_server_ts,
        body: "Correction: “I have a cat”",
        correction: {
          targetEventId: hello.event_id,
          original: "I has a cat",
          corrected: "I have a cat",
        },
      },
    ]);
  });

  it("learns the partner and the timer from the state the host pushes", async () => {
    const { port } = await connect({
      state: [membership(VIEWER, "join"), membership(PARTNER, "join"), timerState(RUNNING, 5)],
    });
    expect(port.partnerId()).toBe(PARTNER);
    expect(port.timer()).toEqual(RUNNING);
  });

  it("names no partner when the room is not a two-person room", async () => {
    const third = "@cleo:example.org";
    const { port } = await connect({
      state: [membership(VIEWER, "join"), membership(PARTNER, "join"), membership(third, "join")],
    });
    expect(port.partnerId()).toBeUndefined();
  });

  it("takes live messages, corrections and timer changes, telling subscribers", async () => {
    const { port, host } = await connect({ state: [membership(PARTNER, "join")] });
    const listener = vi.fn();
    port.subscribe(listener);

    const changed = nextChange(port);
    await host.feed(textMessage("Bom dia"));
    await changed;
    expect(port.events().map((event) => event.body)).toEqual(["Bom dia"]);

    const started = nextChange(port);
    await host.feedState(timerState(RUNNING, Date.now()));
    await started;
    expect(port.timer()).toEqual(RUNNING);

    const stopped = nextChange(port);
    await host.feedState(timerState({}, Date.now() + 1));
    await stopped;
    expect(port.timer()).toBeNull();
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it("notices the partner leaving", async () => {
    const { port, host } = await connect({
      state: [membership(VIEWER, "join"), membership(PARTNER, "join")],
    });
    const left = nextChange(port);
    await host.feedState({ ...membership(PARTNER, "leave"), origin_server_ts: Date.now() });
    await left;
    expect(port.partnerId()).toBeUndefined();
  });

  it("reads nothing it was not granted", async () => {
    const { port } = await connect({
      approve: () => [WIDGET_CAPABILITIES.send_correction],
      timeline: [textMessage("secret")],
      state: [membership(PARTNER, "join"), timerState(RUNNING, 5)],
    });
    expect(port.events()).toEqual([]);
    expect(port.partnerId()).toBeUndefined();
    expect(port.timer()).toBeNull();
  });
});

describe("sending", () => {
  it("sends a correction as an m.text message with the correction relation", async () => {
    const { port, host } = await connect();
    const content = buildCorrectionContent({
      eventId: "$original",
      original: "I has a cat",
      corrected: "I have a cat",
      originalSenderId: PARTNER,
    });
    await port.sendCorrection(content);
    expect(host.driver.sent).toEqual([{ type: "m.room.message", content, stateKey: null }]);
  });

  it("sets and stops the timer as the room's state event", async () => {
    const { port, host } = await connect();
    await port.setTimer(RUNNING as never);
    await port.setTimer(null);
    expect(host.driver.sent).toEqual([
      { type: "org.xstream.practice_timer", content: RUNNING, stateKey: "" },
      { type: "org.xstream.practice_timer", content: {}, stateKey: "" },
    ]);
  });

  it("fails with the host's reason when sending was not approved", async () => {
    const { port, host } = await connect({
      approve: (requested) =>
        [...requested].filter(
          (c) => c !== WIDGET_CAPABILITIES.send_correction && c !== WIDGET_CAPABILITIES.set_timer,
        ),
    });
    const content = buildCorrectionContent({ eventId: "$e", original: "a", corrected: "b" });
    await expect(port.sendCorrection(content)).rejects.toThrow(/Cannot send room events/);
    await expect(port.setTimer(null)).rejects.toThrow(/Cannot send state events/);
    expect(host.driver.sent).toEqual([]);
  });
});

describe("the OpenID token", () => {
  it("passes on the host's token and reuses it until it nearly expires", async () => {
    const { port, host } = await connect();
    const token = await port.openIdToken();
    expect(token).toEqual({
      access_token: "openid-1",
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 3600,
    });
    await port.openIdToken();
    expect(host.driver.openIdAsks).toBe(1);
  });

  it("waits while the host asks its user, then gets the token", async () => {
    const { port } = await connect({ openId: "ask-then-allow" });
    await expect(port.openIdToken()).resolves.toMatchObject({ access_token: "openid-1" });
    expect(port.granted("openid")).toBe(true);
  });

  it.each(["block", "ask-then-block"] as const)(
    "reports a refusal (%s) and stops counting OpenID as granted",
    async (openId) => {
      const { port } = await connect({ openId });
      const changed = nextChange(port);
      await expect(port.openIdToken()).rejects.toBeInstanceOf(OpenIdRefusedError);
      await changed;
      expect(port.granted("openid")).toBe(false);
    },
  );
});

describe("hostile events", () => {
  it.each([
    ["no body", { type: "m.room.message", content: { msgtype: "m.text" } }],
    ["a numeric body", { type: "m.room.message", content: { msgtype: "m.text", body: 5 } }],
    ["an image", { type: "m.room.message", content: { msgtype: "m.image", body: "x.png" } }],
    [
      "an edit",
      {
        type: "m.room.message",
        content: {
          msgtype: "m.text",
          body: "* x",
          "m.relates_to": { rel_type: "m.replace", event_id: "$x" },
        },
      },
    ],
    ["a null content", { type: "m.room.message", content: null }],
    [
      "a string timestamp",
      {
        type: "m.room.message",
        origin_server_ts: "now",
        content: { msgtype: "m.text", body: "x" },
      },
    ],
    [
      "no event id",
      { type: "m.room.message", event_id: 7, content: { msgtype: "m.text", body: "x" } },
    ],
  ])("ignores a message with %s", (_, partial) => {
    const raw = { ...roomEvent({ type: "m.room.message" }), ...partial };
    expect(toExchangeEvent(raw)).toBeNull();
  });

  it("keeps a forged correction as a plain message", () => {
    const raw = textMessage("Correction", PARTNER, {
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: "$x" },
      "org.xstream.correction": { original: 1, corrected: ["x"] },
    });
    expect(toExchangeEvent(raw)).toEqual({
      eventId: raw.event_id,
      senderId: PARTNER,
      ts: raw.origin_server_ts,
      body: "Correction",
    });
  });

  it("treats a malformed timer as stopped, and an older timer event never overrides a newer one", async () => {
    const { port, host } = await connect({ state: [timerState(RUNNING, 1_000)] });
    const changed = nextChange(port);
    await host.feedState(timerState({ languages: ["en"], minutes: 10_000, started_at: -1 }, 2_000));
    await changed;
    expect(port.timer()).toBeNull();
    await host.feed(timerState(RUNNING, 1_500));
    expect(port.timer()).toBeNull();
  });

  it("ignores events of other rooms and replays of events it has", async () => {
    const message = textMessage("once");
    const { port, host } = await connect({ timeline: [message] });
    await host.feed(message);
    await host.feed({ ...textMessage("elsewhere"), room_id: "!other:example.org" });
    expect(port.events().map((event) => event.body)).toEqual(["once"]);
  });

  it(`keeps only the newest ${MAX_EVENTS} messages of a flood`, async () => {
    const { port, host } = await connect();
    const flood = Array.from({ length: MAX_EVENTS + 50 }, (_, index) =>
      textMessage(`message ${index}`),
    );
    await Promise.all(flood.map((event) => host.feed(event)));
    const events = port.events();
    expect(events).toHaveLength(MAX_EVENTS);
    expect(events.at(-1)?.body).toBe(`message ${MAX_EVENTS + 49}`);
    expect(events[0]?.body).toBe("message 50");
  });

  it("reads any message body up to 64 KB quickly", () => {
    fc.assert(
      fc.property(hostileText(["Correction: “", "\u0000", "<b>", "𝕃", " "]), (body) => {
        const raw = textMessage(body, PARTNER, {
          "m.relates_to": { rel_type: "org.xstream.correction", event_id: "$x" },
          "org.xstream.correction": { original: body, corrected: body },
        });
        expect(fastestMs(() => toExchangeEvent(raw))).toBeLessThan(20);
      }),
      { numRuns: 30 },
    );
  });
});
