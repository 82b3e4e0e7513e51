// The shared practice timer's arithmetic. Both partners' panels read the same state event
// (`started_at`, `minutes`, two languages) and derive the current language and the time left
// from it and a clock, so they switch together without sending each other anything.

import type { PracticeTimerContent } from "@xstream/contract";
import {
  PRACTICE_TIMER_LANGUAGE_MAX_LENGTH,
  PRACTICE_TIMER_LIMITS,
} from "@xstream/contract/limits";

/**
 * The timer's content when it is a running timer, else null (stopped: `{}`; or anything a hostile
 * or broken client put in the room). Mirrors the contract's `practiceTimerContentSchema` without
 * loading zod into the page; a unit test holds the two to the same answers.
 */
export function readPracticeTimer(content: unknown): PracticeTimerContent | null {
  if (typeof content !== "object" || content === null) return null;
  const { languages, minutes, started_at: startedAt } = content as Record<string, unknown>;
  if (!Array.isArray(languages) || languages.length !== 2) return null;
  const [first, second] = languages as unknown[];
  const isLanguage = (value: unknown): value is string =>
    typeof value === "string" && value.length <= PRACTICE_TIMER_LANGUAGE_MAX_LENGTH;
  if (!isLanguage(first) || !isLanguage(second)) return null;
  if (
    typeof minutes !== "number" ||
    !Number.isInteger(minutes) ||
    minutes < PRACTICE_TIMER_LIMITS.minMinutes ||
    minutes > PRACTICE_TIMER_LIMITS.maxMinutes
  ) {
    return null;
  }
  if (typeof startedAt !== "number" || !Number.isSafeInteger(startedAt) || startedAt < 0) {
    return null;
  }
  return { languages: [first, second], minutes, started_at: startedAt };
}

/** Where a running timer is at one instant. */
export type TimerPhase = {
  /** 0 for the first language's turns, 1 for the second's. */
  index: 0 | 1;
  language: string;
  /** How many turns have begun, counting from 1. */
  turn: number;
  /** Until the next switch, in milliseconds (never more than one turn, never 0). */
  remainingMs: number;
};

/**
 * The timer's phase at `now` (milliseconds since the epoch, on the same clock as `started_at`).
 * A start in the future (a clock ahead of ours) counts as just started: the first language, with
 * its whole turn left, rather than a negative time.
 */
export function timerPhase(timer: PracticeTimerContent, now: number): TimerPhase {
  const turnMs = timer.minutes * 60_000;
  const elapsed = Math.max(0, now - timer.started_at);
  const turnsDone = Math.floor(elapsed / turnMs);
  const index = turnsDone % 2 === 0 ? 0 : 1;
  return {
    index,
    language: timer.languages[index],
    turn: turnsDone + 1,
    remainingMs: turnMs - (elapsed - turnsDone * turnMs),
  };
}

/** "4:12", "0:05", "120:00": minutes and seconds, rounded up so 0:00 shows only at the switch. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** How long until the countdown's text changes next (a whole second of time left ends). */
export function untilNextTick(remainingMs: number): number {
  return remainingMs % 1000 || 1000;
}

/**
 * Our estimate of the homeserver's clock. Two partners' devices may disagree by seconds or
 * minutes; the homeserver's `origin_server_ts` is the one clock both see. Each message that
 * arrives while we watch says the server's time was `ts` at the latest when we received it, so
 * `ts - receivedAt` is the offset minus the delivery delay: the largest such sample, over the
 * messages seen, is the closest to the true offset. With no sample yet the offset is 0.
 */
export class ServerClock {
  readonly #localNow: () => number;
  #offset: number | null = null;

  constructor(localNow: () => number = Date.now) {
    this.#localNow = localNow;
  }

  /** A message stamped `serverTs` by the homeserver has just arrived. */
  observe(serverTs: number): void {
    if (!Number.isFinite(serverTs)) return;
    const sample = serverTs - this.#localNow();
    // A message from another homeserver (federation) can carry any stamp its server liked; only
    // a day's disagreement is believed.
    if (Math.abs(sample) > 86_400_000) return;
    if (this.#offset === null || sample > this.#offset) this.#offset = sample;
  }

  /** How far the server's clock is ahead of ours (negative: behind), as far as we can tell. */
  get offset(): number {
    return this.#offset ?? 0;
  }

  /** The homeserver's time now, as far as we can tell. */
  now(): number {
    return this.#localNow() + this.offset;
  }
}
