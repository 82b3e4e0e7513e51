import type { ClientEvent, EphemeralEvent } from "./events.js";

/** What the appservice publishes after a transaction is committed, by name. */
export interface AppserviceEventMap {
  /** A timeline or state event from a committed transaction, in transaction order. */
  event: ClientEvent;
  /** A typing notification, receipt or presence update. */
  ephemeral: EphemeralEvent;
}

export type AppserviceListener<K extends keyof AppserviceEventMap> = (
  payload: AppserviceEventMap[K],
) => void | Promise<void>;

/**
 * In-process bus between the transaction endpoint and whatever reacts to Matrix events (the
 * bot's commands, invites). Listeners run independently: one that throws or rejects is reported
 * through `onListenerError` and never affects the others or the HTTP response.
 */
export class AppserviceEvents {
  readonly #listeners: { [K in keyof AppserviceEventMap]: Set<AppserviceListener<K>> } = {
    event: new Set(),
    ephemeral: new Set(),
  };
  readonly #onListenerError: (error: unknown, name: keyof AppserviceEventMap) => void;

  constructor(onListenerError: (error: unknown, name: keyof AppserviceEventMap) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes `listener`; returns a function that unsubscribes it. */
  on<K extends keyof AppserviceEventMap>(name: K, listener: AppserviceListener<K>): () => void {
    const listeners = this.#listeners[name] as Set<AppserviceListener<K>>;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Calls every listener; resolves (never rejects) once all of them are done with `payload`. */
  emit<K extends keyof AppserviceEventMap>(name: K, payload: AppserviceEventMap[K]): Promise<void> {
    const listeners = this.#listeners[name] as Set<AppserviceListener<K>>;
    const running: Promise<void>[] = [];
    for (const listener of listeners) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) {
          running.push(result.catch((error: unknown) => this.#onListenerError(error, name)));
        }
      } catch (error) {
        this.#onListenerError(error, name);
      }
    }
    return Promise.all(running).then(() => {});
  }
}
