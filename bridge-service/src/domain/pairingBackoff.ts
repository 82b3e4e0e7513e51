// When to ask a partner again: an invite it did not take, a room we could not join yet. The first
// retries come within seconds (the partner's operator may be listing us right now), then ever
// more slowly, so a partner that is down or does not list us is not asked every round.

/** The first retry's delay. */
export const PAIRING_RETRY_FIRST_MS = 2_000;
/** The longest delay between two attempts. */
export const PAIRING_RETRY_MAX_MS = 5 * 60_000;

export class PairingBackoff {
  private readonly next = new Map<string, { at: number; delayMs: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly firstMs = PAIRING_RETRY_FIRST_MS,
    private readonly maxMs = PAIRING_RETRY_MAX_MS,
  ) {}

  /** Whether `key` may be tried now (never tried, or its delay has passed). */
  due(key: string): boolean {
    const scheduled = this.next.get(key);
    return scheduled === undefined || scheduled.at <= this.now();
  }

  /** Records an attempt: the next one waits twice as long as the last (first … max). */
  tried(key: string): void {
    const previous = this.next.get(key);
    const delayMs = previous ? Math.min(previous.delayMs * 2, this.maxMs) : this.firstMs;
    this.next.set(key, { at: this.now() + delayMs, delayMs });
  }

  /** It worked, or the partner just spoke to us: the next trouble starts from the first delay. */
  reset(key: string): void {
    this.next.delete(key);
  }

  /** Forgets every attempt about `serverName` (keys are `<what> <server name>`). */
  resetServer(serverName: string): void {
    for (const key of this.next.keys()) if (key.endsWith(` ${serverName}`)) this.next.delete(key);
  }

  /** Milliseconds until the earliest scheduled attempt (0 if one is due); undefined if none. */
  nextDueInMs(): number | undefined {
    let soonest: number | undefined;
    for (const { at } of this.next.values()) soonest = Math.min(soonest ?? at, at);
    return soonest === undefined ? undefined : Math.max(0, soonest - this.now());
  }
}
