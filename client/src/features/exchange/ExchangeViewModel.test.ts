import type { WidgetExchangeResponse } from "@xstream/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildCorrectionContent } from "../corrections";
import { PROMPTS } from "./conversationPrompts";
import { type ExchangeSnapshot, ExchangeViewModel } from "./ExchangeViewModel";
import type { ExchangeCapability } from "./exchangePort";
import {
  ALL_CAPABILITIES,
  FakeExchangeRoom,
  fakePeople,
  ROOM_ID,
} from "./testing/fakeExchangeRoom";

const ANA = "@ana:example.org";
const BEN = "@ben:example.org";
const BOT = "@xstream:example.org";

const anaProfile = {
  user_id: ANA,
  display_name: "Ana Lima",
  native: ["pt"],
  learning: [{ language: "en", level: "A2" as const }],
  organisation: null,
};
const benProfile = {
  user_id: BEN,
  display_name: "Ben Okafor",
  native: ["en"],
  learning: [{ language: "pt", level: "B2" as const }],
  organisation: null,
};
const PEOPLE: Record<string, WidgetExchangeResponse> = {
  [ANA]: { viewer: anaProfile, partner: benProfile },
  [BEN]: { viewer: benProfile, partner: anaProfile },
};

type Setup = { refuse?: ExchangeCapability[]; now?: () => number; hostName?: string };

function panel(room: FakeExchangeRoom, viewer: string, setup: Setup = {}) {
  const port = room.port(viewer, {
    partnerId: viewer === ANA ? BEN : ANA,
    ...(setup.refuse && { refuse: setup.refuse }),
  });
  const fetchPeople = fakePeople(PEOPLE);
  const model = new ExchangeViewModel({
    port,
    fetchPeople,
    ...(setup.now && { now: setup.now }),
    ...(setup.hostName && { hostName: setup.hostName }),
  });
  const seen: ExchangeSnapshot[] = [];
  const unsubscribe = model.subscribe(() => seen.push(model.getSnapshot()));
  cleanups.push(unsubscribe);
  return { port, model, fetchPeople, seen, snap: () => model.getSnapshot() };
}

const cleanups: (() => void)[] = [];

function running(snapshot: ExchangeSnapshot) {
  if (snapshot.timer.status !== "running") throw new Error(`timer is ${snapshot.timer.status}`);
  return snapshot.timer;
}

describe("ExchangeViewModel", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 10, 0, 0) });
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    vi.useRealTimers();
  });

  describe("people", () => {
    it("loads both partners' languages and levels with the viewer's OpenID token", async () => {
      const room = new FakeExchangeRoom();
      const { model, fetchPeople, port, snap } = panel(room, ANA);
      expect(snap().people.status).toBe("idle");
      await model.loadPeople();
      expect(port.openIdToken).toHaveBeenCalledOnce();
      expect(fetchPeople).toHaveBeenCalledWith(
        ROOM_ID,
        expect.objectContaining({ access_token: `openid-${ANA}` }),
      );
      const people = snap().people;
      if (people.status !== "ready") throw new Error(people.status);
      expect(people.partner).toEqual({
        userId: BEN,
        displayName: "Ben Okafor",
        native: [{ code: "en", name: "English" }],
        learning: [{ code: "pt", name: "Portuguese", level: "B2" }],
        organisation: null,
      });
      expect(people.viewer?.learning).toEqual([{ code: "en", name: "English", level: "A2" }]);
      // Asked once: a second call does not fetch again.
      await model.loadPeople();
      expect(fetchPeople).toHaveBeenCalledOnce();
    });

    it("says the bridge failed and tries again when asked", async () => {
      const room = new FakeExchangeRoom();
      const { model, fetchPeople, snap } = panel(room, ANA);
      fetchPeople.mockRejectedValueOnce(Object.assign(new Error("Your token has expired"), {}));
      await model.loadPeople();
      expect(snap().people).toEqual({
        status: "failed",
        error: "Couldn't load your languages: the answer was not understood.",
      });
      await model.loadPeople();
      expect(snap().people.status).toBe("ready");
    });
  });

  describe("practice timer", () => {
    it("defaults to what each learns from the other and starts on the homeserver's clock", async () => {
      const room = new FakeExchangeRoom();
      const { model, port, snap } = panel(room, ANA);
      await model.loadPeople();
      expect(snap().timerControls.languages).toEqual(["en", "pt"]);
      expect(snap().timerControls.minutes).toBe("5");
      model.setMinutes("2");
      await model.startTimer();
      expect(port.setTimer).toHaveBeenCalledWith({
        languages: ["en", "pt"],
        minutes: 2,
        started_at: Date.now(),
      });
      const timer = running(snap());
      expect(timer.language).toEqual({ code: "en", name: "English" });
      expect(timer.remaining).toBe("2:00");
      expect(timer.turn).toBe(1);
      expect(snap().announcement).toBe(
        "Practice timer started: English first, then Portuguese, 2 minutes each. Now speaking English.",
      );

      await vi.advanceTimersByTimeAsync(72_000);
      expect(running(snap()).remaining).toBe("0:48");
      await vi.advanceTimersByTimeAsync(48_000);
      expect(running(snap()).language.name).toBe("Portuguese");
      expect(running(snap()).remaining).toBe("2:00");
      expect(running(snap()).turn).toBe(2);
      expect(snap().announcement).toBe("Now speaking Portuguese.");
      await vi.advanceTimersByTimeAsync(120_000);
      expect(running(snap()).language.name).toBe("English");
      expect(running(snap()).turn).toBe(3);

      await model.stopTimer();
      expect(port.setTimer).toHaveBeenLastCalledWith(null);
      expect(snap().timer.status).toBe("stopped");
      expect(snap().announcement).toBe("Practice timer stopped.");
    });

    it("switches both partners at the same instant although their clocks disagree", async () => {
      const room = new FakeExchangeRoom();
      room.send(BOT, "Welcome, Ana and Ben!");
      // Ben's device is 90 s behind the homeserver, Ana's 40 s ahead.
      const ana = panel(room, ANA, { now: () => Date.now() + 40_000 });
      const ben = panel(room, BEN, { now: () => Date.now() - 90_000 });
      // Each learns the homeserver's clock from the other's messages.
      room.send(BEN, "Hi Ana!");
      room.send(ANA, "Hi Ben!");
      expect(ana.model.serverClockOffset).toBe(-40_000);
      expect(ben.model.serverClockOffset).toBe(90_000);
      await ana.model.loadPeople();
      ana.model.setMinutes("1");
      await ana.model.startTimer();
      expect(room.timer?.started_at).toBe(Date.now());

      for (const side of [ana, ben]) {
        expect(running(side.snap()).language.code).toBe("en");
        expect(running(side.snap()).remaining).toBe("1:00");
      }
      await vi.advanceTimersByTimeAsync(59_999);
      for (const side of [ana, ben]) {
        expect(running(side.snap()).language.code).toBe("en");
        expect(running(side.snap()).remaining).toBe("0:01");
      }
      await vi.advanceTimersByTimeAsync(1);
      for (const side of [ana, ben]) {
        expect(running(side.snap()).language.code).toBe("pt");
        expect(side.snap().announcement).toBe("Now speaking Portuguese.");
      }
    });

    it("learns the clock only from messages arriving now, not from history loading", () => {
      const room = new FakeExchangeRoom();
      const ben = panel(room, BEN, { now: () => Date.now() - 90_000 });
      // The room's timeline loads after the panel opened: a batch of messages from hours ago.
      for (let i = 0; i < 5; i++) {
        room.events.push({
          eventId: `$old${i}`,
          senderId: ANA,
          ts: Date.now() - 7_200_000,
          body: "old",
        });
      }
      room.notify();
      // Scrolling back brings a single older message.
      room.events.unshift({
        eventId: "$older",
        senderId: ANA,
        ts: Date.now() - 9_000_000,
        body: "older",
      });
      room.notify();
      expect(ben.model.serverClockOffset).toBe(0);
      // Someone on another homeserver: their server's stamp is not ours.
      room.send("@carol:elsewhere.example", "Hi from afar");
      expect(ben.model.serverClockOffset).toBe(0);
      room.send(ANA, "Now!");
      expect(ben.model.serverClockOffset).toBe(90_000);
    });

    it("without messages to learn from, each device's own clock counts, a start ahead of it as just begun", () => {
      const room = new FakeExchangeRoom();
      // Someone whose clock is 3 minutes ahead started it.
      room.setTimer({ languages: ["en", "pt"], minutes: 5, started_at: Date.now() + 180_000 });
      const { snap } = panel(room, BEN);
      expect(running(snap()).language.code).toBe("en");
      expect(running(snap()).remaining).toBe("5:00");
      expect(running(snap()).turn).toBe(1);
    });

    it("shows a timer set elsewhere and ignores a malformed one", async () => {
      const room = new FakeExchangeRoom();
      const { snap } = panel(room, ANA);
      room.setTimer({ languages: ["pt", "en"], minutes: 10, started_at: Date.now() - 601_000 });
      expect(running(snap()).language.code).toBe("en");
      expect(running(snap()).remaining).toBe("9:59");
      room.setTimer({ languages: ["pt"], minutes: 1e9, started_at: -1 } as never);
      expect(snap().timer.status).toBe("stopped");
    });

    it("refuses minutes outside the contract's limits and two equal languages", async () => {
      const room = new FakeExchangeRoom();
      const { model, port, snap } = panel(room, ANA);
      await model.loadPeople();
      for (const minutes of ["0", "121", "2.5", "", "ten"]) {
        model.setMinutes(minutes);
        await model.startTimer();
        expect(snap().timerControls.error).toBe("Choose a whole number of minutes from 1 to 120.");
      }
      model.setMinutes("3");
      model.setTimerLanguage(1, "en");
      await model.startTimer();
      expect(snap().timerControls.error).toBe("Choose two different languages.");
      expect(port.setTimer).not.toHaveBeenCalled();
    });

    it("says why starting failed when the homeserver refuses", async () => {
      const room = new FakeExchangeRoom();
      const { model, port, snap } = panel(room, ANA);
      await model.loadPeople();
      port.setTimer.mockRejectedValueOnce(
        new Error("You don't have permission to post that to the room."),
      );
      await model.startTimer();
      expect(snap().timerControls.error).toBe(
        "Couldn't start the timer: You don't have permission to post that to the room.",
      );
      expect(snap().timerControls.pending).toBe(false);
    });
  });

  describe("prompts", () => {
    it("suits the learner's level in the language practised now, the same on both sides", async () => {
      const room = new FakeExchangeRoom();
      const ana = panel(room, ANA);
      const ben = panel(room, BEN);
      await Promise.all([ana.model.loadPeople(), ben.model.loadPeople()]);
      // Before a timer: Ana's first language, English, at her A2.
      expect(ana.snap().prompt).toMatchObject({
        level: "A2",
        levelOf: "your level",
        inEnglish: false,
      });
      expect(PROMPTS.en?.A2).toContain(ana.snap().prompt?.text);

      ana.model.setMinutes("1");
      await ana.model.startTimer();
      // English now: Ana learns it at A2, so both see an A2 prompt, the same one.
      expect(ben.snap().prompt).toMatchObject({ level: "A2", levelOf: "Ana Lima's level" });
      expect(ben.snap().prompt?.text).toBe(ana.snap().prompt?.text);
      await vi.advanceTimersByTimeAsync(60_000);
      // Portuguese: Ben's B2. There is no Portuguese list, so the English one names the language.
      const prompt = ana.snap().prompt;
      expect(prompt).toMatchObject({ level: "B2", levelOf: "Ben Okafor's level", inEnglish: true });
      expect(prompt?.text).toBe(`In Portuguese: ${PROMPTS.en?.B2[1]}`);
      expect(ben.snap().prompt?.text).toBe(prompt?.text);

      // Another prompt moves only this panel on.
      ana.model.anotherPrompt();
      expect(ana.snap().prompt?.text).toBe(`In Portuguese: ${PROMPTS.en?.B2[2]}`);
      expect(ben.snap().prompt?.text).toBe(prompt?.text);
    });

    it("uses the list of the language when there is one, and B1 when no level is known", async () => {
      const room = new FakeExchangeRoom();
      const { model, snap } = panel(room, ANA, { refuse: ["openid"] });
      await model.loadPeople();
      model.setTimerLanguage(0, "es");
      expect(snap().prompt).toMatchObject({ level: "B1", levelOf: "no level known for it" });
      expect(PROMPTS.es?.B1).toContain(snap().prompt?.text);
      model.setTimerLanguage(0, "de-AT");
      expect(PROMPTS.de?.B1).toContain(snap().prompt?.text);
    });

    it("has at least 8 prompts per band in every shipped language", () => {
      for (const [language, bands] of Object.entries(PROMPTS)) {
        for (const level of ["A1", "A2", "B1", "B2", "C1", "C2"] as const) {
          expect(bands[level].length, `${language} ${level}`).toBeGreaterThanOrEqual(8);
          expect(new Set(bands[level]).size).toBe(bands[level].length);
        }
      }
      expect(Object.keys(PROMPTS).sort()).toEqual(["de", "en", "es", "fr"]);
    });
  });

  describe("correct a message", () => {
    it("offers the partner's recent messages, sends the edit as a correction and lists it", async () => {
      const room = new FakeExchangeRoom();
      room.send(BOT, "Welcome!");
      const first = room.send(BEN, "Eu gosto de praia muito");
      room.send(ANA, "Eu também!");
      room.send(BEN, "Ontem eu vai ao mercado");
      const { model, port, snap } = panel(room, ANA);
      await model.loadPeople();
      const correct = snap().correct;
      if (correct.status !== "on") throw new Error(correct.status);
      expect(correct.candidates.map((c) => c.body)).toEqual([
        "Ontem eu vai ao mercado",
        "Eu gosto de praia muito",
      ]);

      model.pick(first.eventId);
      expect(snap().correct).toMatchObject({ draft: "Eu gosto de praia muito" });
      await model.sendCorrection();
      expect(snap().correct).toMatchObject({ error: "Change something to make a correction." });

      model.setDraft("Eu gosto muito da praia");
      await model.sendCorrection();
      expect(port.sendCorrection).toHaveBeenCalledWith(
        buildCorrectionContent({
          eventId: first.eventId,
          original: "Eu gosto de praia muito",
          corrected: "Eu gosto muito da praia",
          originalSenderId: BEN,
        }),
      );
      expect(snap().correct).toMatchObject({ picked: null, draft: "", done: "Correction sent." });
      const corrections = snap().corrections;
      if (corrections.status !== "on") throw new Error(corrections.status);
      expect(corrections.items).toEqual([
        expect.objectContaining({
          label: "You corrected Ben Okafor",
          byViewer: true,
          original: "Eu gosto de praia muito",
          corrected: "Eu gosto muito da praia",
        }),
      ]);
      // The correction itself is not offered for correcting.
      if (snap().correct.status === "on") {
        expect(
          (snap().correct as { candidates: { body: string }[] }).candidates.map((c) => c.body),
        ).not.toContain("Correction: “Eu gosto muito da praia”");
      }
    });

    it("lists corrections both ways, newest first", async () => {
      const room = new FakeExchangeRoom();
      const mine = room.send(ANA, "I has a cat");
      const theirs = room.send(BEN, "Eu tem um gato");
      room.send(BEN, "Correction", {
        correction: {
          targetEventId: mine.eventId,
          original: "I has a cat",
          corrected: "I have a cat",
        },
      });
      room.send(ANA, "Correction", {
        correction: {
          targetEventId: theirs.eventId,
          original: "Eu tem um gato",
          corrected: "Eu tenho um gato",
        },
      });
      const { model, snap } = panel(room, ANA);
      await model.loadPeople();
      const corrections = snap().corrections;
      if (corrections.status !== "on") throw new Error(corrections.status);
      expect(corrections.items.map((item) => [item.label, item.corrected])).toEqual([
        ["You corrected Ben Okafor", "Eu tenho um gato"],
        ["Ben Okafor corrected you", "I have a cat"],
      ]);
    });

    it("keeps the draft and says why when sending fails", async () => {
      const room = new FakeExchangeRoom();
      const message = room.send(BEN, "Ontem eu vai");
      const { model, port, snap } = panel(room, ANA);
      port.sendCorrection.mockRejectedValueOnce(new Error("Connection lost"));
      model.pick(message.eventId);
      model.setDraft("Ontem eu fui");
      await model.sendCorrection();
      expect(snap().correct).toMatchObject({
        draft: "Ontem eu fui",
        error: "Couldn't send the correction: Connection lost",
        sending: false,
      });
    });

    it("stays quick with thousands of messages and corrections from a hostile partner", () => {
      const room = new FakeExchangeRoom();
      for (let i = 0; i < 5_000; i++) {
        const target = room.send(BEN, `message ${i} ${"x".repeat(200)}`);
        room.events.push({
          eventId: `$c${i}`,
          senderId: BEN,
          ts: Date.now(),
          body: "Correction",
          correction: {
            targetEventId: target.eventId,
            original: "a ".repeat(2000),
            corrected: "b ".repeat(2000),
          },
        });
      }
      const started = performance.now();
      const { snap } = panel(room, ANA);
      room.notify();
      const corrections = snap().corrections;
      expect(performance.now() - started).toBeLessThan(1_000);
      if (corrections.status !== "on") throw new Error(corrections.status);
      expect(corrections.items).toHaveLength(50);
      expect(corrections.hidden).toBe(4_950);
    });
  });

  describe("with a capability refused", () => {
    const host = { hostName: "Element" };

    it("read_messages: Correct and the corrections are off, saying why", () => {
      const room = new FakeExchangeRoom();
      room.send(BEN, "Olá");
      const { snap } = panel(room, ANA, { ...host, refuse: ["read_messages"] });
      expect(snap().correct).toEqual({
        status: "off",
        reason: "Correct is off: Element was not allowed to read this room's messages for Xstream.",
      });
      expect(snap().corrections).toEqual({
        status: "off",
        reason:
          "Corrections are hidden: Element was not allowed to read this room's messages for Xstream.",
      });
    });

    it("send_correction: Correct is off; the corrections still show", () => {
      const room = new FakeExchangeRoom();
      const { snap } = panel(room, ANA, { ...host, refuse: ["send_correction"] });
      expect(snap().correct).toEqual({
        status: "off",
        reason: "Correct is off: Element was not allowed to send messages for Xstream.",
      });
      expect(snap().corrections.status).toBe("on");
    });

    it("read_timer: the timer is off, and so are its controls", async () => {
      const room = new FakeExchangeRoom();
      room.setTimer({ languages: ["en", "pt"], minutes: 5, started_at: Date.now() });
      const { model, port, snap } = panel(room, ANA, { ...host, refuse: ["read_timer"] });
      const reason = "The practice timer is off: Element was not allowed to read it for Xstream.";
      expect(snap().timer).toEqual({ status: "off", reason });
      expect(snap().timerControls.disabledReason).toBe(reason);
      await model.startTimer();
      expect(port.setTimer).not.toHaveBeenCalled();
    });

    it("set_timer: the timer shows but cannot be started or stopped", async () => {
      const room = new FakeExchangeRoom();
      room.setTimer({ languages: ["en", "pt"], minutes: 5, started_at: Date.now() });
      const { model, port, snap } = panel(room, ANA, { ...host, refuse: ["set_timer"] });
      expect(snap().timer.status).toBe("running");
      expect(snap().timerControls.disabledReason).toBe(
        "Starting and stopping the timer is off: Element was not allowed to change it for Xstream.",
      );
      await model.stopTimer();
      expect(port.setTimer).not.toHaveBeenCalled();
    });

    it("openid: languages are hidden and the bridge is never asked", async () => {
      const room = new FakeExchangeRoom();
      const { model, port, fetchPeople, snap } = panel(room, ANA, { ...host, refuse: ["openid"] });
      await model.loadPeople();
      expect(snap().people).toEqual({
        status: "off",
        reason:
          "Languages and levels are hidden: Element was not allowed to confirm who you are to Xstream.",
      });
      expect(port.openIdToken).not.toHaveBeenCalled();
      expect(fetchPeople).not.toHaveBeenCalled();
      // The timer still offers languages to choose from.
      expect(snap().timerControls.choices.map((c) => c.code)).toEqual(["en", "es", "fr", "de"]);
    });

    it("openid refused when the token is asked for: hidden as above, not a failure to retry", async () => {
      const room = new FakeExchangeRoom();
      const { model, port, fetchPeople, snap } = panel(room, ANA, host);
      // The host asks the user only now; they refuse, and the port reports it from then on.
      port.openIdToken.mockImplementationOnce(async () => {
        port.refused.add("openid");
        throw new Error("the request was blocked");
      });
      await model.loadPeople();
      expect(snap().people).toEqual({
        status: "off",
        reason:
          "Languages and levels are hidden: Element was not allowed to confirm who you are to Xstream.",
      });
      expect(fetchPeople).not.toHaveBeenCalled();
    });

    it("read_members: Correct offers everyone else's messages", () => {
      const room = new FakeExchangeRoom();
      room.send(BEN, "Olá");
      room.send("@carol:example.org", "Oi");
      const { snap } = panel(room, ANA, { refuse: ["read_members"] });
      const correct = snap().correct;
      if (correct.status !== "on") throw new Error(correct.status);
      expect(correct.candidates.map((c) => c.body)).toEqual(["Oi", "Olá"]);
    });

    it("with everything granted, nothing is off", async () => {
      const room = new FakeExchangeRoom();
      const { model, snap } = panel(room, ANA);
      await model.loadPeople();
      expect(ALL_CAPABILITIES).toHaveLength(6);
      expect(snap().people.status).toBe("ready");
      expect(snap().correct.status).toBe("on");
      expect(snap().corrections.status).toBe("on");
      expect(snap().timer.status).toBe("stopped");
      expect(snap().timerControls.disabledReason).toBeNull();
    });
  });

  it("stops ticking and listening when nobody watches", async () => {
    const room = new FakeExchangeRoom();
    room.setTimer({ languages: ["en", "pt"], minutes: 5, started_at: Date.now() });
    const { seen } = panel(room, ANA);
    for (const cleanup of cleanups.splice(0)) cleanup();
    const before = seen.length;
    await vi.advanceTimersByTimeAsync(10_000);
    room.send(BEN, "still there?");
    expect(seen.length).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
  });
});
