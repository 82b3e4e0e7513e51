import type { ICreateClientOpts, IStartClientOpts, MatrixClient } from "matrix-js-sdk";
import { vi } from "vitest";
import type { MatrixSdk } from "../matrix/MatrixConnection";

/** A stand-in for a matrix-js-sdk MatrixClient: records what it was asked and emits on demand. */
export class FakeMatrixClient {
  readonly options: ICreateClientOpts;
  readonly startOptions: IStartClientOpts[] = [];
  stopped = false;
  readonly #listeners = new Map<string, Set<(...args: unknown[]) => void>>();

  constructor(options: ICreateClientOpts, autoSync: boolean) {
    this.options = options;
    if (autoSync) {
      this.startClient = vi.fn(async (opts: IStartClientOpts) => {
        this.startOptions.push(opts);
        // Like the SDK: the first sync arrives some time after startClient.
        setTimeout(() => this.emit("sync", "PREPARED"), 0);
      });
    }
  }

  startClient = vi.fn(async (opts: IStartClientOpts) => {
    this.startOptions.push(opts);
  });

  stopClient = vi.fn(() => {
    this.stopped = true;
  });

  on(event: string, listener: (...args: unknown[]) => void) {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return this;
  }

  removeAllListeners() {
    this.#listeners.clear();
    return this;
  }

  emit(event: string, ...args: unknown[]) {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args);
  }

  /** What the SDK does when the homeserver answers M_UNKNOWN_TOKEN. */
  logOut() {
    this.emit("Session.logged_out", { errcode: "M_UNKNOWN_TOKEN" });
  }
}

/** A fake matrix-js-sdk module; `loadSdk` counts how often the app asked for it. */
export function fakeMatrixSdk({ autoSync = true } = {}) {
  const clients: FakeMatrixClient[] = [];
  const sdk = {
    createClient: (options: ICreateClientOpts) => {
      const client = new FakeMatrixClient(options, autoSync);
      clients.push(client);
      return client as unknown as MatrixClient;
    },
    ClientEvent: { Sync: "sync" },
    HttpApiEvent: { SessionLoggedOut: "Session.logged_out" },
    SyncState: {
      Prepared: "PREPARED",
      Syncing: "SYNCING",
      Catchup: "CATCHUP",
      Reconnecting: "RECONNECTING",
      Error: "ERROR",
      Stopped: "STOPPED",
    },
  } as unknown as MatrixSdk;
  const loadSdk = vi.fn(async () => sdk);
  return { sdk, clients, loadSdk };
}
