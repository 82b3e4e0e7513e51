// The event-listener half of matrix-js-sdk's emitters, for fakes that stand in for them: tests
// register through the code under test and fire events with `emit`.

// biome-ignore lint/suspicious/noExplicitAny: listeners of SDK-shaped emitters take any arguments.
type Listener = (...args: any[]) => void;

export class FakeEmitter {
  readonly #listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener) {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener) {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  removeAllListeners() {
    this.#listeners.clear();
    return this;
  }

  /** Calls the listeners registered when it starts, like Node's EventEmitter. */
  emit(event: string, ...args: unknown[]) {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
  }

  /** Listeners of one event, or of all events together (to check a component removed its own). */
  listenerCount(event?: string) {
    if (event !== undefined) return this.#listeners.get(event)?.size ?? 0;
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }
}
