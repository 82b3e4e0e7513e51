import type { ClientEvent, MatrixClient, MatrixEvent, Room, SyncState } from "matrix-js-sdk";
import { useEffect } from "react";
import { localEchoesOf } from "../../matrix/pendingEvents";
import { SendStatus, sdkValue } from "../../matrix/sdkValues";

/*
 * Messages written while offline go through the SDK like any other: it shows them at once (local
 * echo) and, when the request fails, marks them NOT_SENT. The outbox sends those again, oldest
 * first and one at a time, when the connection comes back, so they arrive in the order written.
 */

const SYNC = sdkValue<ClientEvent.Sync>("sync");
const CONNECTED: ReadonlySet<string> = new Set([
  sdkValue<SyncState.Prepared>("PREPARED"),
  sdkValue<SyncState.Syncing>("SYNCING"),
  sdkValue<SyncState.Catchup>("CATCHUP"),
]);
const DISCONNECTED: ReadonlySet<string> = new Set([
  sdkValue<SyncState.Error>("ERROR"),
  sdkValue<SyncState.Reconnecting>("RECONNECTING"),
]);
const STOPPED = sdkValue<SyncState.Stopped>("STOPPED");

/** True when sending cannot work now: the browser is offline or the sync connection is down. */
export function isOffline(client: Pick<MatrixClient, "getSyncState">): boolean {
  if (globalThis.navigator?.onLine === false) return true;
  const state = client.getSyncState();
  return state !== null && (DISCONNECTED.has(state) || state === STOPPED);
}

/** The events that failed to send, in the order they were written (oldest first). */
export function unsentInSendOrder(events: readonly MatrixEvent[]): MatrixEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.status === SendStatus.NotSent)
    .sort((a, b) => a.event.getTs() - b.event.getTs() || a.index - b.index)
    .map(({ event }) => event);
}

/** A room's messages that failed to send, oldest first. */
export function unsentEventsOf(room: Room): MatrixEvent[] {
  return unsentInSendOrder(localEchoesOf(room));
}

export type OutboxEnvironment = Pick<Window, "addEventListener" | "removeEventListener">;

/** Sends a client's unsent messages again when its connection comes back. */
export class Outbox {
  readonly #client: MatrixClient;
  readonly #environment: OutboxEnvironment;
  #disconnected: boolean;
  #flushing: Promise<void> | null = null;
  #flushAgain = false;

  constructor(client: MatrixClient, environment: OutboxEnvironment = window) {
    this.#client = client;
    this.#environment = environment;
    this.#disconnected = isOffline(client);
  }

  /** Starts watching the connection; returns a function that stops. */
  start(): () => void {
    const onSync = (state: SyncState, previous: SyncState | null) => {
      if (DISCONNECTED.has(state)) {
        this.#disconnected = true;
      } else if (CONNECTED.has(state)) {
        const reconnected = this.#disconnected || (previous !== null && DISCONNECTED.has(previous));
        this.#disconnected = false;
        if (reconnected) void this.flush();
      }
    };
    const onOnline = () => {
      // Do not wait for the SDK's sync back-off to notice.
      this.#client.retryImmediately();
      void this.flush();
    };
    this.#client.on(SYNC, onSync);
    this.#environment.addEventListener("online", onOnline);
    return () => {
      this.#client.off(SYNC, onSync);
      this.#environment.removeEventListener("online", onOnline);
    };
  }

  /**
   * Sends every room's unsent messages again, oldest first, each after the previous one was
   * accepted. A failure stops that room there, so nothing overtakes it; what is left waits for
   * the next reconnect or a "Retry".
   */
  flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return this.#flushing;
    }
    const run = async () => {
      do {
        this.#flushAgain = false;
        await this.#flushOnce();
      } while (this.#flushAgain);
    };
    const flushing = run().finally(() => {
      this.#flushing = null;
    });
    this.#flushing = flushing;
    return flushing;
  }

  async #flushOnce(): Promise<void> {
    if (globalThis.navigator?.onLine === false) return;
    for (const room of this.#client.getRooms()) {
      for (const event of unsentEventsOf(room)) {
        // Cancelled or retried by hand meanwhile.
        if (event.status !== SendStatus.NotSent) continue;
        try {
          await this.#client.resendEvent(event, room);
        } catch {
          break;
        }
      }
    }
  }
}

const outboxes = new WeakMap<MatrixClient, { users: number; stop: () => void }>();

/**
 * Keeps one outbox running per client while anyone asks for it (the composer of each open
 * room, the app shell), so two never resend the same messages in parallel.
 */
export function watchOutbox(client: MatrixClient): () => void {
  let entry = outboxes.get(client);
  if (!entry) {
    entry = { users: 0, stop: new Outbox(client).start() };
    outboxes.set(client, entry);
  }
  entry.users += 1;
  const current = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.users -= 1;
    if (current.users === 0) {
      current.stop();
      outboxes.delete(client);
    }
  };
}

/** Runs the client's outbox while the calling component is mounted. */
export function useOutbox(client: MatrixClient | null): void {
  useEffect(() => (client ? watchOutbox(client) : undefined), [client]);
}
