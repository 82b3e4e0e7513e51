import type { ExchangePersonJson, PracticeTimerContent } from "@xstream/contract";
import { type CefrLevel, PRACTICE_TIMER_LIMITS } from "@xstream/contract/limits";
import { describeError } from "../../ui/describeError";
import { buildCorrectionContent, isUnchanged } from "../corrections";
import { languageNames } from "../profile";
import { promptsFor } from "./conversationPrompts";
import type { ExchangeCapability, ExchangeRoomPort, FetchExchangePeople } from "./exchangePort";
import {
  formatRemaining,
  readPracticeTimer,
  ServerClock,
  timerPhase,
  untilNextTick,
} from "./practiceTimer";

export type LanguageChoice = { code: string; name: string };

export type PersonView = {
  userId: string;
  displayName: string;
  native: LanguageChoice[];
  learning: (LanguageChoice & { level: CefrLevel })[];
  organisation: string | null;
};

export type PeopleView =
  /** Not asked yet: the panel asks when it is first shown. */
  | { status: "idle" }
  | { status: "loading" }
  | { status: "ready"; viewer: PersonView | null; partner: PersonView | null }
  | { status: "failed"; error: string }
  | { status: "off"; reason: string };

export type TimerView =
  | { status: "off"; reason: string }
  | { status: "stopped" }
  | {
      status: "running";
      language: LanguageChoice;
      languages: [LanguageChoice, LanguageChoice];
      minutes: number;
      /** `started_at` of the state event (on the homeserver's clock, as its starter judged it). */
      startedAt: number;
      /** Turns begun so far, from 1. */
      turn: number;
      remainingMs: number;
      /** "4:12" */
      remaining: string;
    };

export type TimerControls = {
  /** The two languages a start would use, the first one first. */
  languages: [string, string];
  /** As typed. */
  minutes: string;
  /** Languages to choose from: both partners' own, then a few common ones. */
  choices: LanguageChoice[];
  /** Why the viewer may not start or stop the timer here; null when they may. */
  disabledReason: string | null;
  pending: boolean;
  error: string | null;
};

export type PromptView = {
  language: LanguageChoice;
  level: CefrLevel;
  /** Whose level chose the band, in words: "your level", "Ben's level"… */
  levelOf: string;
  text: string;
  /** No list exists in this language: the prompt is in English, to be answered in it. */
  inEnglish: boolean;
};

export type CorrectCandidate = { eventId: string; body: string; ts: number };

export type CorrectView =
  | { status: "off"; reason: string }
  | {
      status: "on";
      /** The partner's recent messages, newest first. */
      candidates: CorrectCandidate[];
      picked: CorrectCandidate | null;
      draft: string;
      sending: boolean;
      error: string | null;
      /** Said once a correction went out. */
      done: string | null;
    };

export type CorrectionEntry = {
  eventId: string;
  /** "You corrected Ben", "Ben corrected you". */
  label: string;
  byViewer: boolean;
  original: string;
  corrected: string;
  ts: number;
};

export type CorrectionsView =
  | { status: "off"; reason: string }
  | { status: "on"; items: CorrectionEntry[] /** Older ones not listed. */; hidden: number };

export type ExchangeSnapshot = {
  people: PeopleView;
  timer: TimerView;
  timerControls: TimerControls;
  /** Null until a language is known (from the profiles or the timer). */
  prompt: PromptView | null;
  correct: CorrectView;
  corrections: CorrectionsView;
  /** For a polite live region: the latest language switch, start or stop. */
  announcement: string;
};

export type ExchangeViewModelOptions = {
  port: ExchangeRoomPort;
  fetchPeople: FetchExchangePeople;
  /** How the host is named when the panel says why a part is off ("Element"). */
  hostName?: string;
  /** This device's clock (milliseconds since the epoch). */
  now?: () => number;
};

/** How many of the partner's messages Correct offers. */
export const CORRECT_CANDIDATES = 10;
/** How many corrections the list shows, newest first. */
export const LISTED_CORRECTIONS = 50;
/** Longest text Correct sends (the original and the correction each); events are ≤ 64 KB. */
export const MAX_CORRECTION_LENGTH = 8_000;
/** Minutes per turn until the viewer picks another number. */
export const DEFAULT_MINUTES = 5;
/** More messages than this appearing at once are history loading, not messages arriving now. */
const LIVE_BATCH = 3;
/** Offered besides the partners' own languages, which may be unknown (the prompt lists' ones). */
const COMMON_LANGUAGES = ["en", "es", "fr", "de"];

const names = languageNames();
const choice = (code: string): LanguageChoice => ({ code, name: names(code) });
const primary = (code: string) => code.split("-")[0]?.toLowerCase() ?? code;
const sameLanguage = (a: string, b: string) => primary(a) === primary(b);

function personView(person: ExchangePersonJson | null): PersonView | null {
  if (!person) return null;
  return {
    userId: person.user_id,
    displayName: person.display_name || person.user_id,
    native: person.native.map(choice),
    learning: person.learning.map(({ language, level }) => ({ ...choice(language), level })),
    organisation: person.organisation,
  };
}

/** The first language `learner` learns that `teacher` speaks natively. */
function learnedFrom(learner: PersonView | null, teacher: PersonView | null): string | undefined {
  return learner?.learning.find(({ code }) =>
    teacher?.native.some((n) => sameLanguage(n.code, code)),
  )?.code;
}

/**
 * The exchange panel's state and actions over its host (an {@link ExchangeRoomPort}) and the
 * bridge (who the partners are): the partners' languages, the shared practice timer, prompts for
 * the language being practised, correcting the partner's messages and the room's corrections.
 * Every part the host refused a capability for is off, with the reason in words.
 */
export class ExchangeViewModel {
  readonly #port: ExchangeRoomPort;
  readonly #fetchPeople: FetchExchangePeople;
  readonly #host: string;
  readonly #clock: ServerClock;
  readonly #listeners = new Set<() => void>();
  #stopPort: (() => void) | null = null;
  #tick: ReturnType<typeof setTimeout> | null = null;
  /** Events seen so far; only messages arriving later tell the server's clock. */
  #seen: Set<string> | null = null;
  #newestSeen = Number.NEGATIVE_INFINITY;

  #people: PeopleView = { status: "idle" };
  #chosenLanguages: [string, string] | null = null;
  #minutes = String(DEFAULT_MINUTES);
  #timerPending = false;
  #timerError: string | null = null;
  #promptOffset = 0;
  #pickedId: string | null = null;
  #draft = "";
  #sending = false;
  #correctError: string | null = null;
  #correctDone: string | null = null;
  /** What the live region said last, and about which timer state. */
  #announcement = "";
  #announcedKey: string;
  #snapshot: ExchangeSnapshot;

  constructor(options: ExchangeViewModelOptions) {
    this.#port = options.port;
    this.#fetchPeople = options.fetchPeople;
    this.#host = options.hostName ?? "Your Matrix client";
    this.#clock = new ServerClock(options.now ?? Date.now);
    this.#snapshot = this.#describe();
    this.#announcedKey = this.#timerKey(this.#snapshot.timer);
  }

  // ---- subscription (fits useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) {
      this.#stopPort = this.#port.subscribe(() => this.#update());
      this.#update();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#stopPort?.();
        this.#stopPort = null;
        this.#clearTick();
      }
    };
  };

  getSnapshot = (): ExchangeSnapshot => this.#snapshot;

  /** The host's estimate of how far the homeserver's clock is ahead of this device's. */
  get serverClockOffset(): number {
    return this.#clock.offset;
  }

  // ---- people ----

  /** Asks the bridge who the partners are, once (again after a failure). */
  async loadPeople(): Promise<void> {
    if (this.#people.status === "loading" || this.#people.status === "ready") return;
    if (this.#openIdRefused()) return;
    this.#people = { status: "loading" };
    this.#update();
    try {
      const token = await this.#port.openIdToken();
      const answer = await this.#fetchPeople(this.#port.roomId, token);
      this.#people = {
        status: "ready",
        viewer: personView(answer.viewer),
        partner: personView(answer.partner),
      };
    } catch (error) {
      // The host may ask the user only now, when the token is requested: a refusal then is the
      // same answer as a capability refused up front, not a failure to try again.
      if (this.#openIdRefused()) return;
      this.#people = {
        status: "failed",
        error: `Couldn't load your languages: ${describeError(error, { unexpected: "the answer was not understood." })}`,
      };
    }
    this.#update();
  }

  /** Shows that the host refused to identify the viewer, and says so; true if it did. */
  #openIdRefused(): boolean {
    if (this.#port.granted("openid")) return false;
    this.#people = {
      status: "off",
      reason: `Languages and levels are hidden: ${this.#host} was not allowed to confirm who you are to Xstream.`,
    };
    this.#update();
    return true;
  }

  // ---- timer ----

  setTimerLanguage(position: 0 | 1, code: string): void {
    const languages: [string, string] = [...this.#snapshot.timerControls.languages];
    languages[position] = code;
    this.#chosenLanguages = languages;
    this.#timerError = null;
    this.#update();
  }

  setMinutes(text: string): void {
    this.#minutes = text;
    this.#timerError = null;
    this.#update();
  }

  /** Starts the shared timer now, with the chosen languages and minutes. */
  async startTimer(): Promise<void> {
    const controls = this.#snapshot.timerControls;
    if (controls.disabledReason !== null || this.#timerPending) return;
    const minutes = Number(controls.minutes.trim());
    const { minMinutes, maxMinutes } = PRACTICE_TIMER_LIMITS;
    if (
      controls.minutes.trim() === "" ||
      !Number.isInteger(minutes) ||
      minutes < minMinutes ||
      minutes > maxMinutes
    ) {
      this.#timerError = `Choose a whole number of minutes from ${minMinutes} to ${maxMinutes}.`;
      this.#update();
      return;
    }
    const [first, second] = controls.languages;
    if (!first || !second || sameLanguage(first, second)) {
      this.#timerError = "Choose two different languages.";
      this.#update();
      return;
    }
    await this.#writeTimer({
      languages: [first, second],
      minutes,
      // On the homeserver's clock, which both panels estimate, so both switch at one instant.
      started_at: Math.max(0, Math.round(this.#clock.now())),
    });
  }

  async stopTimer(): Promise<void> {
    if (this.#snapshot.timerControls.disabledReason !== null || this.#timerPending) return;
    await this.#writeTimer(null);
  }

  async #writeTimer(content: PracticeTimerContent | null): Promise<void> {
    this.#timerPending = true;
    this.#timerError = null;
    this.#update();
    try {
      await this.#port.setTimer(content);
    } catch (error) {
      this.#timerError = `Couldn't ${content ? "start" : "stop"} the timer: ${describeError(error)}`;
    } finally {
      this.#timerPending = false;
      this.#update();
    }
  }

  // ---- prompts ----

  /** Shows the next prompt of the same band (only here: the partner keeps theirs). */
  anotherPrompt(): void {
    this.#promptOffset += 1;
    this.#update();
  }

  // ---- correct a message ----

  /** Picks one of the partner's messages to correct; the draft starts as its text. */
  pick(eventId: string): void {
    const candidate = this.#candidates().find((event) => event.eventId === eventId);
    if (!candidate) return;
    this.#pickedId = eventId;
    this.#draft = candidate.body.slice(0, MAX_CORRECTION_LENGTH);
    this.#correctError = null;
    this.#correctDone = null;
    this.#update();
  }

  setDraft(text: string): void {
    this.#draft = text;
    this.#correctError = null;
    this.#update();
  }

  cancelCorrection(): void {
    this.#pickedId = null;
    this.#draft = "";
    this.#correctError = null;
    this.#update();
  }

  /** Sends the draft as a correction of the picked message. */
  async sendCorrection(): Promise<void> {
    const correct = this.#snapshot.correct;
    if (correct.status !== "on" || !correct.picked || correct.sending) return;
    const { picked, draft } = correct;
    if (draft.trim() === "") {
      this.#correctError = "Write the corrected message first.";
    } else if (isUnchanged(picked.body, draft)) {
      this.#correctError = "Change something to make a correction.";
    } else if (picked.body.length > MAX_CORRECTION_LENGTH || draft.length > MAX_CORRECTION_LENGTH) {
      this.#correctError = `Corrections are limited to ${MAX_CORRECTION_LENGTH.toLocaleString("en")} characters.`;
    }
    if (this.#correctError) {
      this.#update();
      return;
    }
    this.#sending = true;
    this.#update();
    try {
      await this.#port.sendCorrection(
        buildCorrectionContent({
          eventId: picked.eventId,
          original: picked.body,
          corrected: draft,
          originalSenderId: this.#senderOf(picked.eventId),
        }),
      );
      this.#pickedId = null;
      this.#draft = "";
      this.#correctDone = "Correction sent.";
    } catch (error) {
      this.#correctError = `Couldn't send the correction: ${describeError(error)}`;
    } finally {
      this.#sending = false;
      this.#update();
    }
  }

  // ---- state ----

  /** Recomputes the snapshot; a clock tick changes only the timer and the prompt. */
  #update(tick = false): void {
    if (!tick) this.#observeClock();
    this.#snapshot = this.#describe(tick ? this.#snapshot : null);
    this.#announce(this.#snapshot.timer);
    this.#snapshot = { ...this.#snapshot, announcement: this.#announcement };
    this.#scheduleTick();
    for (const listener of this.#listeners) listener();
  }

  /**
   * New messages from others on our homeserver are samples of the homeserver's clock, but only
   * those arriving now: not the room's history, whether it was there when we started watching,
   * comes in a batch (a timeline loading, scrolling back) or is older than what we had.
   */
  #observeClock(): void {
    if (!this.#port.granted("read_messages")) return;
    const events = this.#port.events();
    if (this.#seen === null) {
      if (events.length === 0) return;
      this.#seen = new Set(events.map((event) => event.eventId));
      for (const event of events) this.#newestSeen = Math.max(this.#newestSeen, event.ts);
      return;
    }
    const seen = this.#seen;
    const arrived = events.filter((event) => !seen.has(event.eventId));
    for (const event of arrived) seen.add(event.eventId);
    const newestBefore = this.#newestSeen;
    for (const event of arrived) this.#newestSeen = Math.max(this.#newestSeen, event.ts);
    if (arrived.length > LIVE_BATCH) return;
    const server = serverNameOf(this.#port.viewerId);
    for (const event of arrived) {
      // Our own events may carry our own clock's stamp while they are being sent.
      if (event.senderId === this.#port.viewerId || serverNameOf(event.senderId) !== server)
        continue;
      if (event.ts >= newestBefore) this.#clock.observe(event.ts);
    }
  }

  #scheduleTick(): void {
    this.#clearTick();
    const timer = this.#snapshot.timer;
    if (timer.status !== "running" || this.#listeners.size === 0) return;
    this.#tick = setTimeout(() => {
      this.#tick = null;
      this.#update(true);
    }, untilNextTick(timer.remainingMs));
  }

  #clearTick(): void {
    if (this.#tick !== null) clearTimeout(this.#tick);
    this.#tick = null;
  }

  /** Which timer, and which of its languages, the live region last spoke of. */
  #timerKey(timer: TimerView): string {
    return timer.status === "running"
      ? `${timer.languages[0].code}|${timer.languages[1].code}|${timer.minutes}|${timer.startedAt}#${timer.turn % 2}`
      : timer.status;
  }

  #announce(timer: TimerView): void {
    const key = this.#timerKey(timer);
    const before = this.#announcedKey;
    if (key === before) return;
    this.#announcedKey = key;
    if (timer.status === "running") {
      const sameTimer = before?.split("#")[0] === key.split("#")[0];
      const [first, second] = timer.languages;
      this.#announcement = sameTimer
        ? `Now speaking ${timer.language.name}.`
        : `Practice timer started: ${first.name} first, then ${second.name}, ${timer.minutes} minutes each. Now speaking ${timer.language.name}.`;
    } else if (timer.status === "stopped" && before !== "off") {
      this.#announcement = "Practice timer stopped.";
    }
  }

  /** The snapshot now; the room's messages are read again unless `unchanged` has them. */
  #describe(unchanged: ExchangeSnapshot | null = null): ExchangeSnapshot {
    const timer = this.#timerView();
    const timerControls = this.#timerControls(timer);
    return {
      people: this.#people,
      timer,
      timerControls,
      prompt: this.#promptView(timer, timerControls),
      correct: unchanged?.correct ?? this.#correctView(),
      corrections: unchanged?.corrections ?? this.#correctionsView(),
      announcement: this.#announcement,
    };
  }

  #ready(): { viewer: PersonView | null; partner: PersonView | null } {
    return this.#people.status === "ready" ? this.#people : { viewer: null, partner: null };
  }

  #off(capability: ExchangeCapability): boolean {
    return !this.#port.granted(capability);
  }

  #timerView(): TimerView {
    if (this.#off("read_timer")) {
      return {
        status: "off",
        reason: `The practice timer is off: ${this.#host} was not allowed to read it for Xstream.`,
      };
    }
    // Checked again here: whatever a host passes on came from another user's client.
    const content = readPracticeTimer(this.#port.timer());
    if (!content) return { status: "stopped" };
    const phase = timerPhase(content, this.#clock.now());
    return {
      status: "running",
      language: choice(phase.language),
      languages: [choice(content.languages[0]), choice(content.languages[1])],
      minutes: content.minutes,
      startedAt: content.started_at,
      turn: phase.turn,
      remainingMs: phase.remainingMs,
      remaining: formatRemaining(phase.remainingMs),
    };
  }

  #timerControls(timer: TimerView): TimerControls {
    const { viewer, partner } = this.#ready();
    const codes: string[] = [];
    const add = (code: string | undefined) => {
      if (code && !codes.some((known) => known === code)) codes.push(code);
    };
    // What each learns from the other comes first: those are the defaults.
    const mine = learnedFrom(viewer, partner);
    const theirs = learnedFrom(partner, viewer);
    add(mine);
    add(theirs);
    for (const person of [viewer, partner]) {
      for (const { code } of [...(person?.learning ?? []), ...(person?.native ?? [])]) add(code);
    }
    if (timer.status === "running") for (const { code } of timer.languages) add(code);
    for (const code of COMMON_LANGUAGES) add(code);
    const defaults: [string, string] = [mine ?? codes[0] ?? "", theirs ?? codes[1] ?? ""];
    if (sameLanguage(defaults[0], defaults[1])) {
      defaults[1] = codes.find((code) => !sameLanguage(code, defaults[0])) ?? "";
    }
    const languages = this.#chosenLanguages ?? defaults;
    for (const code of languages) add(code);
    return {
      languages,
      minutes: this.#minutes,
      choices: codes.map(choice),
      disabledReason:
        timer.status === "off"
          ? timer.reason
          : this.#off("set_timer")
            ? `Starting and stopping the timer is off: ${this.#host} was not allowed to change it for Xstream.`
            : null,
      pending: this.#timerPending,
      error: this.#timerError,
    };
  }

  #promptView(timer: TimerView, controls: TimerControls): PromptView | null {
    const code = timer.status === "running" ? timer.language.code : controls.languages[0];
    if (!code) return null;
    const { viewer, partner } = this.#ready();
    const own = viewer?.learning.find((entry) => sameLanguage(entry.code, code));
    const theirs = partner?.learning.find((entry) => sameLanguage(entry.code, code));
    // Whoever is practising this language sets the band: me, else my partner learning my language.
    const level: CefrLevel = own?.level ?? theirs?.level ?? "B1";
    const levelOf = own
      ? "your level"
      : theirs
        ? `${partner?.displayName}'s level`
        : "no level known for it";
    const { prompts, native } = promptsFor(code, level);
    // Both panels start each turn on the same prompt; "Another prompt" moves only this one on.
    const turn = timer.status === "running" ? timer.turn - 1 : 0;
    const text = prompts[(turn + this.#promptOffset) % prompts.length] ?? "";
    const language = choice(code);
    return {
      language,
      level,
      levelOf,
      text: native ? text : `In ${language.name}: ${text}`,
      inEnglish: !native,
    };
  }

  #candidates(): CorrectCandidate[] {
    const viewer = this.#port.viewerId;
    const partner = this.#port.granted("read_members") ? this.#port.partnerId() : undefined;
    const candidates: CorrectCandidate[] = [];
    const events = this.#port.events();
    for (let at = events.length - 1; at >= 0 && candidates.length < CORRECT_CANDIDATES; at--) {
      const event = events[at];
      if (!event || event.correction || event.senderId === viewer) continue;
      if (partner !== undefined && event.senderId !== partner) continue;
      if (event.body.trim() === "") continue;
      candidates.push({ eventId: event.eventId, body: event.body, ts: event.ts });
    }
    return candidates;
  }

  #senderOf(eventId: string): string | undefined {
    return this.#port.events().find((event) => event.eventId === eventId)?.senderId;
  }

  #correctView(): CorrectView {
    if (this.#off("read_messages")) {
      return {
        status: "off",
        reason: `Correct is off: ${this.#host} was not allowed to read this room's messages for Xstream.`,
      };
    }
    if (this.#off("send_correction")) {
      return {
        status: "off",
        reason: `Correct is off: ${this.#host} was not allowed to send messages for Xstream.`,
      };
    }
    const candidates = this.#candidates();
    // The picked message stays picked while it scrolls out of the recent ones.
    const picked =
      this.#pickedId === null
        ? null
        : (candidates.find((event) => event.eventId === this.#pickedId) ??
          this.#eventAsCandidate(this.#pickedId));
    return {
      status: "on",
      candidates,
      picked,
      draft: picked ? this.#draft : "",
      sending: this.#sending,
      error: this.#correctError,
      done: this.#correctDone,
    };
  }

  #eventAsCandidate(eventId: string): CorrectCandidate | null {
    const event = this.#port.events().find((e) => e.eventId === eventId);
    return event ? { eventId: event.eventId, body: event.body, ts: event.ts } : null;
  }

  #correctionsView(): CorrectionsView {
    if (this.#off("read_messages")) {
      return {
        status: "off",
        reason: `Corrections are hidden: ${this.#host} was not allowed to read this room's messages for Xstream.`,
      };
    }
    const events = this.#port.events();
    const byId = new Map(events.map((event) => [event.eventId, event]));
    const viewer = this.#port.viewerId;
    const { partner } = this.#ready();
    const nameOf = (userId: string) => (userId === partner?.userId ? partner.displayName : userId);
    const all = events.filter((event) => event.correction);
    const items: CorrectionEntry[] = [];
    for (let at = all.length - 1; at >= 0 && items.length < LISTED_CORRECTIONS; at--) {
      const event = all[at];
      if (!event?.correction) continue;
      const target = byId.get(event.correction.targetEventId);
      const byViewer = event.senderId === viewer;
      const whom =
        target === undefined
          ? "a message"
          : target.senderId === viewer
            ? "you"
            : target.senderId === event.senderId
              ? "themselves"
              : nameOf(target.senderId);
      items.push({
        eventId: event.eventId,
        label: `${byViewer ? "You" : nameOf(event.senderId)} corrected ${byViewer && whom === "themselves" ? "yourself" : whom}`,
        byViewer,
        original: event.correction.original,
        corrected: event.correction.corrected,
        ts: event.ts,
      });
    }
    return { status: "on", items, hidden: all.length - items.length };
  }
}

function serverNameOf(userId: string): string {
  const colon = userId.indexOf(":");
  return colon < 0 ? "" : userId.slice(colon + 1);
}
