import type { MatrixClient, PendingEventOrdering, SyncState } from "matrix-js-sdk";
import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api";
import { ApiError } from "../api/ApiError";
import type { MatrixLoginToken } from "../api/types";
import { AccessTokenGate } from "./accessTokenGate";
import {
  type CryptoDatabases,
  type CryptoStoreLocks,
  cryptoStorePrefix,
  deleteCryptoStore,
  deleteEveryCryptoStore,
  deleteOtherCryptoStores,
  holdCryptoStoreLock,
} from "./cryptoStore";
import {
  discoverHomeserver,
  loginWithJwt,
  type MatrixCredentials,
  withoutTrailingSlash,
} from "./homeserver";
import { OwnPresence, type PageVisibility } from "./ownPresence";
import { rememberRoomEncryption } from "./roomEncryptionAnswers";
import { deleteRoomListCaches, hasRoomListCache } from "./roomListCache";
import { sdkValue } from "./sdkValues";
import type { ListPreview, PreviewRequest } from "./slidingPreview";
import { offersSlidingSync, SlidingRoomSync, type SlidingSyncModule } from "./slidingSync";
import { markStart } from "./startMarks";
import {
  CACHED_TIMELINE_LIMIT,
  deleteEverySyncStore,
  deleteOtherSyncStores,
  deleteSyncStore,
  type OpenedSyncStore,
  openSyncStore,
  seedSyncStore,
} from "./syncStore";
import { ViewedPresence } from "./viewedPresence";

/** The parts of matrix-js-sdk we use; loaded lazily so the signed-out pages stay small. */
export type MatrixSdk = Pick<
  typeof import("matrix-js-sdk"),
  | "createClient"
  | "ClientEvent"
  | "HttpApiEvent"
  | "SyncState"
  | "IndexedDBStore"
  | "Filter"
  | "User"
  | "MatrixEvent"
>;

/**
 * How the client syncs: "sliding" is simplified sliding sync (MSC4186), "v2" the classic /sync.
 * "auto" (the default) resumes /sync v2 from this browser's cache when it has one, else uses
 * sliding sync where the homeserver offers it.
 */
export type SyncPreference = "auto" | "sliding" | "v2";

/** Where a developer (or a test) can pin the sync mode: `localStorage["xstream:sync"]`. */
export const SYNC_PREFERENCE_KEY = "xstream:sync";

function storedSyncPreference(): SyncPreference {
  try {
    const value = globalThis.localStorage?.getItem(SYNC_PREFERENCE_KEY);
    return value === "sliding" || value === "v2" ? value : "auto";
  } catch {
    return "auto";
  }
}

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

export type EncryptionStatus =
  /** No client yet, or its end-to-end encryption is being set up (the WASM loads lazily). */
  | "starting"
  /** Encrypted rooms can be read and written. */
  | "ready"
  /** The client runs without encryption: encrypted rooms cannot be read (see the problem). */
  | "unavailable";

export type MatrixSnapshot = {
  status: MatrixStatus;
  /** The started client once logged in (also while it does its first sync). */
  client: MatrixClient | null;
  userId: string | null;
  /** Why the last attempt failed, for people (status "error"). */
  error: string | null;
  encryption: EncryptionStatus;
  /** Why encryption is unavailable, for people. */
  encryptionProblem: string | null;
  /** How the client syncs, once started. */
  sync: "sliding" | "v2" | null;
  /** True while what shows came from this browser's cache and the homeserver has not answered. */
  fromCache: boolean;
  /**
   * The first rooms of the list from one sliding sync request sent right after the login, while
   * the crypto starts (see slidingPreview.ts): for the room list to show until the client has
   * synced. Null when there is none (a cached list shows instead, or /sync v2).
   */
  preview: ListPreview | null;
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
  /** Where the crypto store lives; `null` keeps the keys in memory (lost on reload). */
  databases?: CryptoDatabases | null;
  /** Keeps two tabs off one crypto store; defaults to `navigator.locks`. */
  locks?: CryptoStoreLocks | null;
  /** Waits before a login the homeserver asked us to retry later; a timer by default. */
  wait?: (ms: number) => Promise<void>;
  /** Whether the tab is visible, for our presence; defaults to `document`. */
  page?: PageVisibility;
  /**
   * Where the synced rooms are cached (the SDK's IndexedDB store); `null` keeps them in memory.
   * Defaults to `indexedDB`, unless `databases` is null.
   */
  syncCache?: IDBFactory | null;
  loadSlidingSync?: () => Promise<SlidingSyncModule>;
  /** The list preview's module (slidingPreview.ts), loaded lazily by default. */
  loadPreview?: () => Promise<typeof import("./slidingPreview")>;
  /** Defaults to `localStorage["xstream:sync"]`, else "auto". */
  syncPreference?: SyncPreference;
  /** Where the SDK gets the recovery (secret storage) key from, when recovery is in use. */
  cryptoCallbacks?: CryptoCallbacks;
  /**
   * Fetches and compiles the crypto's WASM while logging in, so starting the crypto later does
   * not wait for it. By default the real one, unless a fake SDK is given (tests).
   */
  preloadCrypto?: (() => Promise<void>) | null;
};

/**
 * The crypto's WASM, fetched and compiled once (matrix-js-sdk's own `initAsync` then finds it),
 * and the SDK's Rust crypto module, which `initRustCrypto` would otherwise fetch only then.
 */
const preloadCryptoWasm = () =>
  Promise.all([
    import("@matrix-org/matrix-sdk-crypto-wasm").then((wasm) => wasm.initAsync()),
    import("matrix-js-sdk/lib/rust-crypto/index"),
  ]).then(() => undefined);

/** A promise whose failure is handled where it is awaited, not reported as unhandled before. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Asks now, while the crypto is still starting, what `startClient` would otherwise ask one after
 * the other before its first sync request: the server's versions (the SDK keeps the answer) and
 * the push rules (its sync loop fetches them first). The first call of `getPushRules` gets the
 * early answer; later ones ask again as usual.
 */
function askEarly(client: MatrixClient) {
  client.getVersions().catch(() => undefined);
  const fetchRules = client.getPushRules.bind(client);
  let early: ReturnType<typeof fetchRules> | null = settledLater(fetchRules());
  client.getPushRules = () => {
    const answer = early ?? fetchRules();
    early = null;
    return answer;
  };
}

/**
 * Events per room that a /sync v2 after the first may bring. A start from the cache catches up
 * on everything since the cache was written in one incremental sync; the homeserver's default
 * (10) would leave a gap in any room that saw more, to fill only by scrolling back.
 */
const CATCH_UP_LIMIT = 50;

function catchUpFilter(sdk: MatrixSdk, userId: string) {
  const filter = new sdk.Filter(userId);
  filter.setTimelineLimit(CATCH_UP_LIMIT);
  // As the SDK's default filter asks (Synapse supports it).
  filter.setUnreadThreadNotifications(true);
  return filter;
}

/** How long after sliding sync listed every room the cache for the next start is filled. */
const SEED_DELAY_MS = 2_000;

/** The longest we wait out a homeserver's login rate limit before saying we couldn't connect. */
const MAX_LOGIN_WAIT_MS = 60_000;

const STOPPED: MatrixSnapshot = {
  status: "stopped",
  client: null,
  userId: null,
  error: null,
  encryption: "starting",
  encryptionProblem: null,
  sync: null,
  fromCache: false,
  preview: null,
};

// Local echoes live in each room's pending list, not in its timeline: a message that failed to
// send stays apart (with Retry) instead of sitting between messages that arrived after it.
const DETACHED = sdkValue<PendingEventOrdering.Detached>("detached");

export const ENCRYPTION_IN_OTHER_TAB =
  "Xstream is open in another tab, which holds this browser's encryption keys. Encrypted chats " +
  "work there; close it and reload this tab to read them here.";

/** The crypto's own words for a failure (ui/describeError sits above this layer, and it would
 * only return the same message for an error that carries no errcode). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Owns the signed-in user's matrix-js-sdk client: JWT login, end-to-end encryption (Rust crypto,
 * its keys in IndexedDB per user and device), start, sync state, our presence, and recovery when
 * Synapse logs the device out (password change, token revoked). The access token lives only in
 * this object; a reload logs in again with the same device ID, so it finds its keys again.
 */
export class MatrixConnection {
  readonly #requestLoginToken: () => Promise<MatrixLoginToken>;
  readonly #onSessionLost: () => void;
  readonly #loadSdk: () => Promise<MatrixSdk>;
  readonly #fetch: typeof fetch;
  readonly #wait: (ms: number) => Promise<void>;
  readonly #origin: string;
  readonly #databases: CryptoDatabases | null;
  readonly #locks: CryptoStoreLocks | null;
  readonly #page: PageVisibility | null;
  readonly #syncCache: IDBFactory | null;
  readonly #loadSlidingSync: () => Promise<SlidingSyncModule>;
  readonly #loadPreview: () => Promise<typeof import("./slidingPreview")>;
  readonly #syncPreference: SyncPreference;
  readonly #preloadCrypto: (() => Promise<void>) | null;
  /** The room subscriptions of the current client, when it uses sliding sync. */
  #slidingRooms: SlidingRoomSync | null = null;
  /** Presence of the shown rooms' members, which sliding sync does not bring. */
  #viewedPresence: ViewedPresence | null = null;
  /** The device whose synced rooms this browser caches, kept after stop() for forgetDevice(). */
  #cachedDevice: { userId: string; deviceId: string } | null = null;
  readonly #cryptoCallbacks: CryptoCallbacks | undefined;
  readonly #listeners = new Set<() => void>();
  #snapshot: MatrixSnapshot = STOPPED;
  #client: MatrixClient | null = null;
  #connecting: Promise<ApiError | null> | null = null;
  /** Bumped whenever the current client is dropped, so late events from an old one are ignored. */
  #generation = 0;
  /** True between a re-login after a logout and the next good sync: one retry, not a loop. */
  #recovering = false;
  /** What `/.well-known/matrix/client` says, asked once per page. */
  #homeserver: Promise<string | null> | null = null;
  /** The code a start needs, loading since `prepare()`; taken by the next start. */
  #prepared: {
    sdk: Promise<MatrixSdk>;
    sliding: Promise<SlidingSyncModule> | null;
    /** The list preview's module (slidingPreview.ts), loaded with the rest, off the sign-in page. */
    preview: Promise<typeof import("./slidingPreview")> | null;
  } | null = null;
  #cryptoPreloaded = false;
  /** The crypto store of the last device logged in, kept after stop() for forgetDevice(). */
  #cryptoStore: string | null = null;
  /** Lets go of the current client's crypto store lock and stops reporting its presence. */
  #releaseClient: (() => void)[] = [];

  constructor(options: MatrixConnectionOptions) {
    this.#requestLoginToken = options.requestLoginToken;
    this.#onSessionLost = options.onSessionLost;
    this.#loadSdk = options.loadSdk ?? (() => import("matrix-js-sdk"));
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#origin = options.origin ?? globalThis.location.origin;
    this.#databases =
      options.databases !== undefined ? options.databases : (globalThis.indexedDB ?? null);
    this.#locks =
      options.locks !== undefined
        ? options.locks
        : ((globalThis.navigator?.locks as CryptoStoreLocks | undefined) ?? null);
    this.#page = options.page ?? globalThis.document ?? null;
    this.#syncCache =
      options.syncCache !== undefined
        ? options.syncCache
        : this.#databases
          ? (globalThis.indexedDB ?? null)
          : null;
    this.#loadSlidingSync =
      options.loadSlidingSync ?? (() => import("matrix-js-sdk/lib/sliding-sync"));
    this.#loadPreview = options.loadPreview ?? (() => import("./slidingPreview"));
    this.#syncPreference = options.syncPreference ?? storedSyncPreference();
    this.#cryptoCallbacks = options.cryptoCallbacks;
    this.#preloadCrypto =
      options.preloadCrypto !== undefined
        ? options.preloadCrypto
        : options.loadSdk
          ? null
          : preloadCryptoWasm;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): MatrixSnapshot => this.#snapshot;

  /**
   * Starts fetching what a start needs (the SDK, sliding sync's module, the crypto's WASM) and the
   * homeserver's discovery, so that signing in does not wait for them: the sign-in page calls it
   * as soon as someone is signing in. Any number of calls; `start()` makes it too.
   */
  prepare(): void {
    this.#homeserver ??= discoverHomeserver(this.#fetch, this.#origin);
    if (!this.#cryptoPreloaded && this.#preloadCrypto) {
      this.#cryptoPreloaded = true;
      // A failure here shows again, and is handled, where the crypto starts.
      this.#preloadCrypto().catch(() => {
        this.#cryptoPreloaded = false;
      });
    }
    this.#prepared ??= {
      sdk: settledLater(this.#loadSdk()),
      sliding: this.#syncPreference === "v2" ? null : settledLater(this.#loadSlidingSync()),
      preview: this.#syncPreference === "v2" ? null : settledLater(this.#loadPreview()),
    };
  }

  /**
   * Logs in and starts syncing, unless that is already done or under way. Never rejects.
   * `grant` is a login JWT the bridge has just handed over (with the sign-in), used instead of
   * asking for one.
   */
  async start(grant?: MatrixLoginToken): Promise<void> {
    if (this.#client) return;
    await (this.#connecting ?? this.#connect(grant));
  }

  /**
   * Drops the current client and logs in again after Synapse deleted every device (a password
   * change). The device comes back under the same ID but without its keys on the server, so its
   * old keys here are deleted too: keeping them, the client would never upload new ones.
   */
  async restart(): Promise<void> {
    this.#dropClient();
    this.#recovering = false;
    await Promise.all([this.#forgetCryptoStore(), this.#forgetSyncCache()]);
    await this.#connect();
  }

  /** Tries again after status "error". */
  async retry(): Promise<void> {
    this.#dropClient();
    this.#recovering = false;
    await this.#connect();
  }

  /**
   * Tells the homeserver a room is on screen, so sliding sync brings its full state and recent
   * timeline (listed rooms carry only what the list shows); returns what ends that. Nothing to
   * do with /sync v2, which brings every room whole.
   */
  viewRoom = (roomId: string): (() => void) => {
    const ends = [this.#slidingRooms?.view(roomId), this.#viewedPresence?.view(roomId)];
    return () => {
      for (const end of ends) end?.();
    };
  };

  /** Syncs again now rather than after the SDK's back-off (the "Retry now" of a lost connection). */
  reconnectNow(): void {
    this.#client?.retryImmediately();
  }

  /** Stops syncing and forgets the client and its access token. */
  stop(): void {
    this.#dropClient();
    this.#recovering = false;
    this.#set(STOPPED);
  }

  /**
   * After signing out (the device is deleted on the server): stops, and deletes the device's
   * end-to-end encryption keys from this browser, so nothing readable is left on a shared
   * computer. Never rejects.
   */
  async forgetDevice(): Promise<void> {
    this.stop();
    await Promise.all([this.#forgetCryptoStore(), this.#forgetSyncCache()]);
  }

  /**
   * The session ended without a sign-out here (it expired, or was ended from another device):
   * stops, and deletes every device's synced rooms and keys this browser kept, as a sign-out
   * would have, since this page may not know which device they were for. Never rejects.
   */
  async forgetEveryDevice(): Promise<void> {
    this.stop();
    deleteRoomListCaches(null);
    const databases = this.#databases;
    if (!databases) return;
    await Promise.all([deleteEveryCryptoStore(databases), deleteEverySyncStore(databases)]).catch(
      () => undefined,
    );
  }

  #connect(grant?: MatrixLoginToken): Promise<ApiError | null> {
    const generation = ++this.#generation;
    this.#set({ ...STOPPED, status: "connecting" });
    const attempt = this.#login(generation, grant)
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

  /**
   * A Matrix session from the bridge's JWT. A homeserver that says "too many logins" (429) is
   * waited out as it asks, a few times within a minute, each time with a fresh JWT, before giving
   * up; null when stopped or restarted meanwhile.
   */
  async #loginToHomeserver(
    generation: number,
    baseUrl: string,
    first: MatrixLoginToken,
  ): Promise<MatrixCredentials | null> {
    let waited = 0;
    let grant = first;
    for (;;) {
      try {
        return await loginWithJwt(this.#fetch, baseUrl, grant);
      } catch (error) {
        const limited = error instanceof ApiError && error.status === 429;
        const delay = limited ? (error.retryAfterMs ?? 1000) : undefined;
        if (delay === undefined || waited + delay > MAX_LOGIN_WAIT_MS) throw error;
        waited += delay;
        await this.#wait(delay);
        if (generation !== this.#generation) return null;
        grant = await this.#requestLoginToken();
      }
    }
  }

  async #login(generation: number, given: MatrixLoginToken | undefined): Promise<void> {
    this.prepare();
    const prepared = this.#prepared;
    this.#prepared = null;
    if (!prepared || !this.#homeserver) return;
    const grant = given ?? (await this.#requestLoginToken());
    const discovered = await this.#homeserver;
    if (generation !== this.#generation) return;
    const baseUrl = discovered ?? withoutTrailingSlash(grant.homeserver_url ?? this.#origin);
    const loggingIn = this.#loginToHomeserver(generation, baseUrl, grant);
    loggingIn.catch(() => undefined);
    // Nothing kept to show (a first sign-in here): as soon as the login has answered (the SDK may
    // still be loading), send the list preview. Its status tells whether the homeserver serves
    // sliding sync, which is all the SDK's start waits for; a preview that could not tell (the
    // network, its module) leaves that to the small check instead.
    const previewing =
      prepared.sliding && prepared.preview && !hasRoomListCache(grant.user_id)
        ? this.#sendPreview(prepared.preview, loggingIn, baseUrl, grant)
        : null;
    const offered = previewing
      ? settledLater(
          previewing
            .then(
              (request) => request?.offered ?? null,
              // The login failed (said where it is awaited), or the preview's module did not load.
              () => null,
            )
            .then(async (said) => {
              if (said !== null) return said;
              const credentials = await loggingIn;
              return credentials
                ? offersSlidingSync(this.#fetch, baseUrl, credentials.accessToken)
                : false;
            }),
        )
      : null;
    if (previewing) void this.#showPreview(previewing, generation);
    const sdk = await prepared.sdk;
    markStart("sdk-loaded");
    // Stopped or restarted meanwhile: drop this login (its device is the same one, so nothing leaks
    // beyond an unused token that dies with the device).
    if (generation !== this.#generation) return;

    // The client exists before the homeserver has answered the login: the crypto starts now,
    // with the user and device the bridge's grant names (the login must confirm both), and the
    // client's requests wait for the access token (see AccessTokenGate).
    const { user_id: userId, device_id: deviceId } = grant;
    const gate = new AccessTokenGate(baseUrl, this.#fetch);
    const cache = openSyncStore(sdk, this.#syncCache, userId, deviceId);
    if (cache.store) {
      this.#cachedDevice = { userId, deviceId };
      const store = cache.store;
      // Closed with the client, so deleting it on sign-out is not held up by this page.
      this.#releaseClient.push(() => void store.destroy().catch(() => undefined));
    }
    const client = sdk.createClient({
      baseUrl,
      userId,
      deviceId,
      fetchFn: gate.fetch,
      ...(cache.store && { store: cache.store }),
      ...(this.#cryptoCallbacks && { cryptoCallbacks: this.#cryptoCallbacks }),
    });
    client.on(
      sdk.ClientEvent.Sync,
      (state: SyncState, _previous: SyncState | null, data?: { fromCache?: boolean }) =>
        this.#onSync(sdk, generation, state, data?.fromCache === true),
    );
    client.on(sdk.HttpApiEvent.SessionLoggedOut, (error: unknown) => {
      void this.#onLoggedOut(generation, error);
    });
    this.#client = client;
    // Encryption comes first: it must be on before the SDK syncs, or the keys that sync brings
    // would be dropped.
    const encrypting = this.#startEncryption(client, { userId, deviceId }, generation);

    let credentials: MatrixCredentials | null;
    try {
      credentials = await loggingIn;
      if (credentials && (credentials.userId !== userId || credentials.deviceId !== deviceId)) {
        throw new ApiError({
          status: 0,
          errcode: "M_UNKNOWN",
          message: "The homeserver logged in another user or device than the bridge named.",
        });
      }
    } catch (error) {
      gate.fail(error);
      // Let the crypto finish opening its store, so closing the client closes that too.
      await encrypting;
      if (generation === this.#generation) this.#releaseCurrentClient();
      throw error;
    }
    if (!credentials) return;
    markStart("login");
    client.setAccessToken(credentials.accessToken);
    gate.open(credentials.accessToken);
    askEarly(client);
    // The cache loads and the sync mode is chosen while the crypto starts. (Sending sliding
    // sync's first request early, without the crypto's extensions, left the browser's device
    // keys never uploaded: recovery.browser's cross-signing waited for them in vain. The
    // preview has a connection of its own, so the SDK's first request still carries them.)
    const choosing = this.#chooseSync(
      cache,
      baseUrl,
      credentials.accessToken,
      prepared.sliding,
      offered,
    ).then((sliding) =>
      sliding && generation === this.#generation ? new SlidingRoomSync(sliding, client) : null,
    );
    const encryption = await encrypting;
    markStart("crypto-ready");
    const rooms = await choosing;
    if (generation !== this.#generation) return;
    this.#slidingRooms = rooms;
    if (rooms) {
      const presence = new ViewedPresence(client, sdk);
      this.#viewedPresence = presence;
      this.#releaseClient.push(() => presence.stop());
    }
    this.#set({
      status: "connecting",
      client,
      userId,
      error: null,
      ...encryption,
      sync: rooms ? "sliding" : "v2",
      fromCache: false,
      preview: this.#snapshot.preview,
    });
    markStart("sync-started");
    if (rooms) {
      await client.startClient({ slidingSync: rooms.sync, pendingEventOrdering: DETACHED });
      if (cache.store) void this.#seedCache(generation, client, cache, rooms);
    } else {
      await client.startClient({
        initialSyncLimit: CACHED_TIMELINE_LIMIT,
        filter: catchUpFilter(sdk, userId),
        pendingEventOrdering: DETACHED,
      });
    }
    if (this.#databases && cache.store) {
      deleteOtherSyncStores(this.#databases, userId, deviceId).catch(() => undefined);
    }
    deleteRoomListCaches(userId);
    if (generation !== this.#generation) return;
    if (this.#page) this.#releaseClient.push(new OwnPresence(client, this.#page).start());
  }

  /**
   * Sliding sync's SDK module when this start should use it, else null for /sync v2: v2 when this
   * browser has a cached sync to resume (rooms show at once, then one incremental /sync catches
   * up), sliding sync when there is nothing cached and the homeserver offers it. A preference
   * other than "auto" wins over the cache; v2 is the fallback whatever it says.
   */
  async #chooseSync(
    cache: OpenedSyncStore,
    baseUrl: string,
    accessToken: string,
    slidingLoading: Promise<SlidingSyncModule> | null,
    offeredEarly: Promise<boolean> | null,
  ): Promise<SlidingSyncModule | null> {
    const warm = await cache.load();
    markStart("cache-loaded");
    if (!slidingLoading || (warm && this.#syncPreference === "auto")) return null;
    const offered = offeredEarly ?? offersSlidingSync(this.#fetch, baseUrl, accessToken);
    if (!(await offered)) return null;
    return slidingLoading.catch(() => null);
  }

  /**
   * The list preview's request, sent as soon as the login answered for the user and device the
   * grant named; null when it did not. Rejects when the login failed (said where it is awaited) or
   * the preview's module did not load.
   */
  #sendPreview(
    module: Promise<typeof import("./slidingPreview")>,
    loggingIn: Promise<MatrixCredentials | null>,
    baseUrl: string,
    grant: MatrixLoginToken,
  ): Promise<PreviewRequest | null> {
    return settledLater(
      loggingIn.then(async (credentials) => {
        if (credentials?.userId !== grant.user_id || credentials.deviceId !== grant.device_id) {
          return null;
        }
        const { requestListPreview } = await module;
        return requestListPreview(this.#fetch, baseUrl, credentials.accessToken, grant.user_id);
      }),
    );
  }

  /**
   * Puts the preview's rooms in the snapshot when they come, unless the client has synced by then
   * (or was dropped). Never rejects: without a preview the list waits for the SDK.
   */
  async #showPreview(previewing: Promise<PreviewRequest | null>, generation: number) {
    const preview = await previewing.then(
      (request) => request?.preview ?? null,
      () => null,
    );
    if (preview && generation === this.#generation && this.#snapshot.status === "connecting") {
      markStart("list-preview");
      this.#set({ ...this.#snapshot, preview });
    }
  }

  /**
   * Once sliding sync has listed every room, and the page has had a moment, caches one /sync v2
   * snapshot for the next start (see `seedSyncStore`). Failing only means the next start is cold.
   */
  async #seedCache(
    generation: number,
    client: MatrixClient,
    cache: OpenedSyncStore,
    rooms: SlidingRoomSync,
  ) {
    await rooms.listComplete;
    await this.#wait(SEED_DELAY_MS);
    if (generation !== this.#generation || !cache.store) return;
    await seedSyncStore(client, cache.store).catch(() => undefined);
  }

  /**
   * Turns on the Rust crypto with this device's store, if no other tab is using it. A failure
   * leaves the client without encryption: unencrypted rooms still work, and the snapshot says
   * why encrypted ones do not.
   */
  async #startEncryption(
    client: MatrixClient,
    device: { userId: string; deviceId: string },
    generation: number,
  ): Promise<Pick<MatrixSnapshot, "encryption" | "encryptionProblem">> {
    const prefix = cryptoStorePrefix(device.userId, device.deviceId);
    this.#cryptoStore = prefix;
    const release = await holdCryptoStoreLock(this.#locks, prefix);
    if (!release) return { encryption: "unavailable", encryptionProblem: ENCRYPTION_IN_OTHER_TAB };
    if (generation !== this.#generation) {
      release();
      return { encryption: "unavailable", encryptionProblem: null };
    }
    this.#releaseClient.push(release);
    try {
      await client.initRustCrypto({
        useIndexedDB: this.#databases !== null,
        cryptoDatabasePrefix: prefix,
      });
    } catch (error) {
      return {
        encryption: "unavailable",
        encryptionProblem: `Encrypted chats are unavailable: ${messageOf(error)}`,
      };
    }
    // Dropped while the crypto loaded: stopping again closes the store it just opened.
    if (generation !== this.#generation) {
      client.stopClient();
      return { encryption: "unavailable", encryptionProblem: null };
    }
    const crypto = client.getCrypto();
    rememberRoomEncryption(crypto);
    // Nobody verifies devices yet, so messages go to every device of the room's members, as with
    // the SDK's default; said here so a change of default cannot silently stop delivery.
    if (crypto) crypto.globalBlacklistUnverifiedDevices = false;
    if (this.#databases) {
      deleteOtherCryptoStores(this.#databases, prefix).catch(() => undefined);
    }
    return { encryption: "ready", encryptionProblem: null };
  }

  #onSync(sdk: MatrixSdk, generation: number, state: SyncState, fromCache: boolean) {
    if (generation !== this.#generation || !this.#client) return;
    const { Prepared, Syncing, Catchup, Reconnecting, Error: SyncError } = sdk.SyncState;
    if (state === Prepared || state === Syncing || state === Catchup) {
      if (this.#snapshot.status !== "connected") markStart("first-sync");
      this.#recovering = false;
      this.#set({ ...this.#snapshot, status: "connected", error: null, fromCache });
    } else if (state === Reconnecting || state === SyncError) {
      this.#set({ ...this.#snapshot, status: "reconnecting" });
    }
  }

  /**
   * Synapse refused our access token (M_UNKNOWN_TOKEN): log in again, once. Unless it was a soft
   * logout, the device itself may be gone, and with it our keys on the server: start over with
   * fresh ones.
   */
  async #onLoggedOut(generation: number, cause: unknown) {
    if (generation !== this.#generation) return;
    this.#dropClient();
    const dropped = this.#generation;
    const soft = (cause as { data?: { soft_logout?: unknown } } | null)?.data?.soft_logout === true;
    if (!soft) await Promise.all([this.#forgetCryptoStore(), this.#forgetSyncCache()]);
    // Stopped or restarted meanwhile.
    if (dropped !== this.#generation) return;
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
    this.#releaseCurrentClient();
  }

  /** Stops the current client and lets go of what it held. */
  #releaseCurrentClient() {
    const client = this.#client;
    this.#client = null;
    this.#slidingRooms = null;
    this.#viewedPresence = null;
    if (client) {
      // Also closes the crypto store, before its lock is let go.
      client.stopClient();
      client.removeAllListeners();
    }
    for (const release of this.#releaseClient.splice(0)) release();
  }

  async #forgetCryptoStore() {
    const prefix = this.#cryptoStore;
    if (!prefix || !this.#databases) return;
    try {
      await deleteCryptoStore(this.#databases, prefix);
    } catch {
      // Left for deleteOtherCryptoStores at the next start.
    }
  }

  async #forgetSyncCache() {
    deleteRoomListCaches(null);
    const device = this.#cachedDevice;
    if (!device || !this.#syncCache) return;
    try {
      await deleteSyncStore(this.#syncCache, device.userId, device.deviceId);
    } catch {
      // Left for deleteOtherSyncStores at the next start.
    }
  }

  #set(snapshot: MatrixSnapshot) {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
