import type { MatrixClient, SyncState } from "matrix-js-sdk";
import { ApiError } from "../api/ApiError";
import type { MatrixLoginToken } from "../api/types";
import { discoverHomeserver, loginWithJwt } from "./homeserver";

/** The parts of matrix-js-sdk we use; loaded lazily so the signed-out pages stay small. */
export type MatrixSdk = Pick<
  typeof import("matrix-js-sdk"),
  "createClient" | "ClientEvent" | "HttpApiEvent" | "SyncState"
>;

export type MatrixStatus =
  /** No Matrix session: signed out, or not started yet. */
  | "stopped"
  /** Logging in or waiting for the first sync. */
  | "connecting"
  /** The first sync has arrived and the client is syncing. */
  | "connected"
  /** Syncing failed for a while (network); the SDK keeps retrying on its own. */
  | "reconnecting"
  /** Logging in failed; `retry()` tries again. */
  | "error";

export type MatrixSnapshot = {
  status: MatrixStatus;
  /** The started client once logged in (also while it does its first sync). */
  client: MatrixClient | null;
  userId: string | null;
  /** Why the last attempt failed, for people (status "error"). */
  error: string | null;
};

export type MatrixConnectionOptions = {
  /** Asks the bridge for a fresh single-use login JWT (`POST /api/auth/matrix-token`). */
  requestLoginToken: () => Promise<MatrixLoginToken>;
  /** Called when Synapse ended the Matrix session and logging in again was refused. */
  onSessionLost: () => void;
  loadSdk?: () => Promise<MatrixSdk>;
  fetch?: typeof fetch;
  /** Where to look for `/.well-known/matrix/client`; defaults to this page's origin. */
  origin?: string;
};

const STOPPED: MatrixSnapshot = { status: "stopped", client: null, userId: null, error: null };

/**
 * Owns the signed-in user's matrix-js-sdk client: JWT login, start, sync state, and recovery when
 * Synapse logs the device out (password change, token revoked). The access token lives only in
 * this object; a reload logs in again with the same device ID.
 */
export class MatrixConnection {
  readonly #requestLoginToken: () => Promise<MatrixLoginToken>;
  readonly #onSessionLost: () => void;
  readonly #loadSdk: () => Promise<MatrixSdk>;
  readonly #fetch: typeof fetch;
  readonly #origin: string;
  readonly #listeners = new Set<() => void>();
  #snapshot: MatrixSnapshot = STOPPED;
  #client: MatrixClient | null = null;
  #connecting: Promise<ApiError | null> | null = null;
  /** Bumped whenever the current client is dropped, so late events from an old one are ignored. */
  #generation = 0;
  /** True between a re-login after a logout and the next good sync: one retry, not a loop. */
  #recovering = false;
  #homeserver: Promise<string> | null = null;

  constructor(options: MatrixConnectionOptions) {
    this.#requestLoginToken = options.requestLoginToken;
    this.#onSessionLost = options.onSessionLost;
    this.#loadSdk = options.loadSdk ?? (() => import("matrix-js-sdk"));
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#origin = options.origin ?? globalThis.location.origin;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): MatrixSnapshot => this.#snapshot;

  /** Logs in and starts syncing, unless that is already done or under way. Never rejects. */
  async start(): Promise<void> {
    if (this.#client) return;
    await (this.#connecting ?? this.#connect());
  }

  /** Drops the current client and logs in again, e.g. after Synapse logged out every device. */
  async restart(): Promise<void> {
    this.#dropClient();
    this.#recovering = false;
    await this.#connect();
  }

  /** Tries again after status "error". */
  retry(): Promise<void> {
    return this.restart();
  }

  /** Stops syncing and forgets the client and its access token. */
  stop(): void {
    this.#dropClient();
    this.#recovering = false;
    this.#set(STOPPED);
  }

  #connect(): Promise<ApiError | null> {
    const generation = ++this.#generation;
    this.#set({ ...STOPPED, status: "connecting" });
    const attempt = this.#login(generation)
      .then(() => null)
      .catch((cause: unknown) => {
        const error =
          cause instanceof ApiError
            ? cause
            : new ApiError({ status: 0, errcode: "M_UNKNOWN", message: String(cause) });
        if (generation === this.#generation) {
          this.#set({
            ...STOPPED,
            status: "error",
            error: `Couldn't connect to Matrix: ${error.message}`,
          });
        }
        return error;
      })
      .finally(() => {
        if (this.#connecting === attempt) this.#connecting = null;
      });
    this.#connecting = attempt;
    return attempt;
  }

  async #login(generation: number): Promise<void> {
    // Fetch the SDK while the login round-trips are in flight.
    const sdkLoading = this.#loadSdk();
    sdkLoading.catch(() => {});

    const grant = await this.#requestLoginToken();
    this.#homeserver ??= discoverHomeserver(
      this.#fetch,
      this.#origin,
      grant.homeserver_url ?? this.#origin,
    );
    const baseUrl = await this.#homeserver;
    const credentials = await loginWithJwt(this.#fetch, baseUrl, grant);
    const sdk = await sdkLoading;
    // Stopped or restarted meanwhile: drop this login (its device is the same one, so nothing leaks
    // beyond an unused token that dies with the device).
    if (generation !== this.#generation) return;

    const client = sdk.createClient({
      baseUrl,
      accessToken: credentials.accessToken,
      userId: credentials.userId,
      deviceId: credentials.deviceId,
    });
    client.on(sdk.ClientEvent.Sync, (state: SyncState) => this.#onSync(sdk, generation, state));
    client.on(sdk.HttpApiEvent.SessionLoggedOut, () => {
      void this.#onLoggedOut(generation);
    });
    this.#client = client;
    this.#set({ status: "connecting", client, userId: credentials.userId, error: null });
    await client.startClient({ initialSyncLimit: 20 });
  }

  #onSync(sdk: MatrixSdk, generation: number, state: SyncState) {
    if (generation !== this.#generation || !this.#client) return;
    const { Prepared, Syncing, Catchup, Reconnecting, Error: SyncError } = sdk.SyncState;
    if (state === Prepared || state === Syncing || state === Catchup) {
      this.#recovering = false;
      this.#set({ ...this.#snapshot, status: "connected", error: null });
    } else if (state === Reconnecting || state === SyncError) {
      this.#set({ ...this.#snapshot, status: "reconnecting" });
    }
  }

  /** Synapse refused our access token (M_UNKNOWN_TOKEN, soft logout): log in again, once. */
  async #onLoggedOut(generation: number) {
    if (generation !== this.#generation) return;
    this.#dropClient();
    if (this.#recovering) {
      this.#recovering = false;
      this.#set(STOPPED);
      this.#onSessionLost();
      return;
    }
    this.#recovering = true;
    const attempt = this.#connect();
    const attemptGeneration = this.#generation;
    const error = await attempt;
    // Refused (rather than unreachable): the session is over. A network failure stays as status
    // "error" so the person can retry without signing in again.
    if (error?.isAuthFailure && attemptGeneration === this.#generation) {
      this.#recovering = false;
      this.#set(STOPPED);
      this.#onSessionLost();
    }
  }

  #dropClient() {
    this.#generation++;
    this.#connecting = null;
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.stopClient();
      client.removeAllListeners();
    }
  }

  #set(snapshot: MatrixSnapshot) {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
