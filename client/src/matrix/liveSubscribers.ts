/**
 * The subscribers of a view model over the Matrix client. The view model listens to the SDK only
 * while someone is subscribed: `start` runs when the first subscriber arrives and returns how to
 * stop, which runs when the last one leaves. Fits React's useSyncExternalStore.
 */
export class LiveSubscribers {
  readonly #listeners = new Set<() => void>();
  readonly #start: () => () => void;
  #stop: (() => void) | null = null;

  constructor(start: () => () => void) {
    this.#start = start;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#stop = this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#stop?.();
        this.#stop = null;
      }
    };
  };

  /** Tells every subscriber the snapshot changed. */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: SDK listeners take event-specific arguments.
type AnyListener = (...args: any[]) => void;

/** An SDK event name and what to do on it. */
export type SdkSubscription = readonly [event: string, listener: AnyListener];

interface Emitter {
  on(event: string, listener: AnyListener): unknown;
  off(event: string, listener: AnyListener): unknown;
}

/** Attaches every listener to `emitter`; returns a function that detaches them all. */
export function listenTo(emitter: unknown, subscriptions: readonly SdkSubscription[]): () => void {
  const target = emitter as Emitter;
  for (const [event, listener] of subscriptions) target.on(event, listener);
  return () => {
    for (const [event, listener] of subscriptions) target.off(event, listener);
  };
}
