import type { ICreateClientOpts } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/ApiError";
import type { MatrixLoginToken } from "../api/types";
import { FakeBridge, json } from "../test/fakeBridge";
import { type FakeMatrixClient, fakeMatrixSdk } from "../test/fakeMatrixSdk";
import type { CryptoDatabases, CryptoStoreLocks } from "./cryptoStore";
import {
  ENCRYPTION_IN_OTHER_TAB,
  MatrixConnection,
  type MatrixConnectionOptions,
} from "./MatrixConnection";
import { PREVIEW_CONN_ID, PREVIEW_LIST } from "./slidingPreview";
import type { SlidingSyncModule } from "./slidingSync";

/** A sliding sync answer listing one group, as Synapse shapes it. */
const PREVIEW_ANSWER = {
  pos: "1",
  lists: {
    preview: { count: 1, ops: [{ op: "SYNC", range: [0, 0], room_ids: ["!book:example.org"] }] },
  },
  rooms: {
    "!book:example.org": {
      name: "Book club",
      required_state: [],
      timeline: [],
      notification_count: 0,
      highlight_count: 0,
    },
  },
};

const STORE = "xstream-crypto/@ana:example.org/WEBDEVICE";

/** IndexedDB as far as the crypto store needs it: names of databases, and deleting them. */
class FakeDatabases implements CryptoDatabases {
  readonly names = new Set<string>();
  readonly deleted: string[] = [];

  deleteDatabase(name: string) {
    const request = {} as IDBOpenDBRequest;
    setTimeout(() => {
      this.names.delete(name);
      this.deleted.push(name);
      request.onsuccess?.({} as Event);
    }, 0);
    return request;
  }

  async databases() {
    return [...this.names].map((name) => ({ name, version: 1 }));
  }
}

/**
 * The Web Locks API between tabs of one browser: a lock is held until its callback settles. A
 * lock held elsewhere stays so for as long as the caller is willing to wait.
 */
class FakeLocks implements CryptoStoreLocks {
  readonly held = new Set<string>();

  async request(
    name: string,
    _options: { signal: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ) {
    if (this.held.has(name)) throw new DOMException("The lock request timed out", "TimeoutError");
    this.held.add(name);
    try {
      await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }
}

function setUp(
  bridge = FakeBridge.signedIn(),
  crypto = { databases: new FakeDatabases(), locks: new FakeLocks() },
  sync: Pick<MatrixConnectionOptions, "syncPreference" | "loadSlidingSync" | "loadPreview"> = {
    syncPreference: "v2",
  },
) {
  // Syncs are emitted by hand here, to control when the client counts as connected.
  const { sdk, clients, loadSdk } = fakeMatrixSdk({ autoSync: false });
  let grants = 0;
  const requestLoginToken = vi.fn(
    async (): Promise<MatrixLoginToken> => ({
      token: `jwt-${++grants}`,
      device_id: "WEBDEVICE",
      user_id: "@ana:example.org",
    }),
  );
  const onSessionLost = vi.fn();
  const wait = vi.fn(async (_ms: number) => {});
  const connection = new MatrixConnection({
    wait,
    requestLoginToken,
    onSessionLost,
    loadSdk,
    fetch: bridge.fetch,
    origin: "http://localhost:3000",
    ...crypto,
    ...sync,
  });
  return {
    connection,
    bridge,
    sdk,
    clients,
    loadSdk,
    requestLoginToken,
    onSessionLost,
    wait,
    ...crypto,
  };
}

describe("MatrixConnection", () => {
  it("does not load the SDK until it is started", () => {
    const { loadSdk, connection } = setUp();

    expect(loadSdk).not.toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({ status: "stopped", client: null });
  });

  it("logs in with the bridge's JWT and device, then starts the client on the discovered homeserver", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/.well-known/matrix/client", () =>
      json(200, { "m.homeserver": { base_url: "https://matrix.example.org/" } }),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();

    expect(bridge.requests.map((request) => request.url)).toEqual([
      "http://localhost:3000/.well-known/matrix/client",
      "https://matrix.example.org/_matrix/client/v3/login",
    ]);
    expect(bridge.calls("POST", "/_matrix/client/v3/login")[0]?.body).toMatchObject({
      type: "org.matrix.login.jwt",
      token: "jwt-1",
      device_id: "WEBDEVICE",
    });
    expect(clients).toHaveLength(1);
    expect(clients[0]?.options).toEqual({
      baseUrl: "https://matrix.example.org",
      userId: "@ana:example.org",
      deviceId: "WEBDEVICE",
      fetchFn: expect.any(Function),
    });
    expect(clients[0]?.getAccessToken()).toBe("syt_jwt-1");
    expect(clients[0]?.startOptions).toMatchObject([
      { initialSyncLimit: 20, pendingEventOrdering: "detached" },
    ]);
    // Later syncs bring up to 50 events per room, so a start from the cache catches up whole.
    expect(clients[0]?.startOptions[0]?.filter?.getDefinition()).toEqual({
      room: { timeline: { limit: 50, unread_thread_notifications: true } },
    });
    expect(connection.getSnapshot().status).toBe("connecting");

    clients[0]?.emit("sync", "PREPARED");
    expect(connection.getSnapshot()).toMatchObject({
      status: "connected",
      userId: "@ana:example.org",
      client: clients[0],
    });
  });

  it("falls back to this origin when there is no .well-known", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/.well-known/matrix/client", () =>
      json(404, {}),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();

    expect(clients[0]?.options.baseUrl).toBe("http://localhost:3000");
  });

  it("shows why logging in failed and can try again", async () => {
    const bridge = FakeBridge.signedIn().on(
      "POST",
      "/_matrix/client/v3/login",
      () => json(403, { errcode: "M_FORBIDDEN", error: "login token already used" }),
      () => json(200, { user_id: "@ana:example.org", device_id: "WEBDEVICE", access_token: "t" }),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();
    expect(connection.getSnapshot()).toMatchObject({
      status: "error",
      error: "Couldn't connect to Matrix: login token already used",
    });
    // The client made for the crypto meanwhile is closed, and its keys' lock let go.
    expect(clients[0]?.stopped).toBe(true);

    await connection.retry();
    expect(clients).toHaveLength(2);
    expect(clients[1]?.initRustCrypto).toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({ status: "connecting", encryption: "ready" });
  });

  it("waits out the homeserver's login rate limit with a fresh token, then connects", async () => {
    const bridge = FakeBridge.signedIn().on(
      "POST",
      "/_matrix/client/v3/login",
      () =>
        json(429, {
          errcode: "M_LIMIT_EXCEEDED",
          error: "Too Many Requests",
          retry_after_ms: 2000,
        }),
      () => json(200, { user_id: "@ana:example.org", device_id: "WEBDEVICE", access_token: "t" }),
    );
    const { connection, clients, wait, requestLoginToken } = setUp(bridge);

    await connection.start();
    expect(wait).toHaveBeenCalledWith(2000);
    expect(requestLoginToken).toHaveBeenCalledTimes(2);
    expect(bridge.calls("POST", "/_matrix/client/v3/login").map((call) => call.body)).toMatchObject(
      [{ token: "jwt-1" }, { token: "jwt-2" }],
    );
    expect(clients).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe("connecting");
  });

  it("says it couldn't connect when the rate limit lasts longer than a minute", async () => {
    const bridge = FakeBridge.signedIn().on("POST", "/_matrix/client/v3/login", () =>
      json(429, {
        errcode: "M_LIMIT_EXCEEDED",
        error: "Too Many Requests",
        retry_after_ms: 300_000,
      }),
    );
    const { connection, clients, wait } = setUp(bridge);

    await connection.start();
    expect(wait).not.toHaveBeenCalled();
    expect(clients[0]?.stopped).toBe(true);
    expect(connection.getSnapshot()).toMatchObject({
      status: "error",
      error: "Couldn't connect to Matrix: Too Many Requests",
    });
  });

  it("logs in again with a new token when Synapse logs the device out", async () => {
    const { connection, clients, requestLoginToken, onSessionLost } = setUp();
    await connection.start();
    clients[0]?.emit("sync", "PREPARED");

    clients[0]?.logOut();
    await vi.waitFor(() => expect(clients).toHaveLength(2));

    expect(clients[0]?.stopped).toBe(true);
    expect(requestLoginToken).toHaveBeenCalledTimes(2);
    expect(clients[1]?.getAccessToken()).toBe("syt_jwt-2");
    expect(clients[1]?.options.deviceId).toBe("WEBDEVICE");
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it("gives up and reports the session lost when logging in again is refused", async () => {
    const { connection, clients, requestLoginToken, onSessionLost } = setUp();
    await connection.start();
    requestLoginToken.mockRejectedValueOnce(
      new ApiError({ status: 401, errcode: "M_UNKNOWN_TOKEN", message: "gone" }),
    );

    clients[0]?.logOut();

    await vi.waitFor(() => expect(onSessionLost).toHaveBeenCalledTimes(1));
    expect(connection.getSnapshot().status).toBe("stopped");
  });

  it("retries only once: a second logout before any good sync ends the session", async () => {
    const { connection, clients, onSessionLost } = setUp();
    await connection.start();
    clients[0]?.logOut();
    await vi.waitFor(() => expect(clients).toHaveLength(2));

    clients[1]?.logOut();

    await vi.waitFor(() => expect(onSessionLost).toHaveBeenCalledTimes(1));
    expect(clients).toHaveLength(2);
  });

  it("stops the client on stop() and ignores what the old client says afterwards", async () => {
    const { connection, clients, requestLoginToken } = setUp();
    await connection.start();

    connection.stop();
    clients[0]?.emit("sync", "PREPARED");
    clients[0]?.logOut();

    expect(clients[0]?.stopClient).toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({ status: "stopped", client: null });
    expect(requestLoginToken).toHaveBeenCalledTimes(1);
  });

  it("restart() replaces the client with a fresh login (after a password change)", async () => {
    const { connection, clients } = setUp();
    await connection.start();

    await connection.restart();

    expect(clients).toHaveLength(2);
    expect(clients[0]?.stopped).toBe(true);
    expect(clients[1]?.getAccessToken()).toBe("syt_jwt-2");
  });

  it("uses the login token the sign-in brought instead of asking the bridge for one", async () => {
    const { connection, clients, requestLoginToken, bridge } = setUp();

    await connection.start({
      token: "jwt-signin",
      device_id: "WEBDEVICE",
      user_id: "@ana:example.org",
    });

    expect(requestLoginToken).not.toHaveBeenCalled();
    expect(bridge.calls("POST", "/_matrix/client/v3/login")[0]?.body).toMatchObject({
      token: "jwt-signin",
      device_id: "WEBDEVICE",
    });
    expect(clients[0]?.getAccessToken()).toBe("syt_jwt-signin");
  });

  it("prepare() loads the SDK and discovers the homeserver before there is a login", async () => {
    const { connection, loadSdk, bridge, requestLoginToken } = setUp();

    connection.prepare();
    connection.prepare();

    expect(loadSdk).toHaveBeenCalledTimes(1);
    await vi.waitFor(() =>
      expect(bridge.calls("GET", "/.well-known/matrix/client")).toHaveLength(1),
    );
    expect(requestLoginToken).not.toHaveBeenCalled();
    expect(bridge.calls("POST", "/_matrix/client/v3/login")).toEqual([]);

    await connection.start();
    expect(loadSdk).toHaveBeenCalledTimes(1);
    expect(bridge.calls("GET", "/.well-known/matrix/client")).toHaveLength(1);
  });

  it("starts the crypto while the homeserver answers the login; the client's requests wait for the token", async () => {
    let answer: (response: Response) => void = () => {};
    const bridge = FakeBridge.signedIn()
      .on(
        "POST",
        "/_matrix/client/v3/login",
        () =>
          new Promise<Response>((resolve) => {
            answer = resolve;
          }),
      )
      .on("GET", "/_matrix/client/v3/room_keys/version", () =>
        json(404, { errcode: "M_NOT_FOUND", error: "No backup" }),
      );
    const { connection, clients } = setUp(bridge);

    const starting = connection.start();
    await vi.waitFor(() => expect(clients[0]?.initRustCrypto).toHaveBeenCalled());
    expect(clients[0]?.initRustCrypto).toHaveBeenCalledWith({
      useIndexedDB: true,
      cryptoDatabasePrefix: STORE,
    });
    // A request the crypto makes now (its key backup check) is held, not sent without a token.
    const fetchFn = clients[0]?.options.fetchFn ?? fetch;
    const held = fetchFn("http://localhost:3000/_matrix/client/v3/room_keys/version", {
      headers: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bridge.calls("GET", "/_matrix/client/v3/room_keys/version")).toEqual([]);
    expect(clients[0]?.startClient).not.toHaveBeenCalled();

    answer(
      json(200, { user_id: "@ana:example.org", device_id: "WEBDEVICE", access_token: "syt_late" }),
    );
    await starting;

    expect((await held).status).toBe(404);
    const [sent] = bridge.calls("GET", "/_matrix/client/v3/room_keys/version");
    expect(new Headers(sent?.init?.headers).get("authorization")).toBe("Bearer syt_late");
    expect(clients[0]?.getAccessToken()).toBe("syt_late");
    expect(clients[0]?.startClient).toHaveBeenCalledTimes(1);
  });

  it("refuses a login that gives another device than the bridge named", async () => {
    const bridge = FakeBridge.signedIn().on("POST", "/_matrix/client/v3/login", () =>
      json(200, { user_id: "@ana:example.org", device_id: "OTHER", access_token: "t" }),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();

    expect(connection.getSnapshot().status).toBe("error");
    expect(clients[0]?.stopped).toBe(true);
    expect(clients[0]?.startClient).not.toHaveBeenCalled();
  });

  it("asks the server's versions and push rules while the crypto starts, not after", async () => {
    const { connection, clients } = setUp();

    await connection.start();

    const client = clients[0];
    const asked = client?.getVersions.mock.invocationCallOrder[0] ?? Infinity;
    const cryptoDone = client?.initRustCrypto.mock.invocationCallOrder[0] ?? -Infinity;
    expect(client?.pushRulesAsked).toBe(1);
    expect(asked).toBeLessThan(client?.startClient.mock.invocationCallOrder[0] ?? -Infinity);
    expect(cryptoDone).toBeLessThan(client?.startClient.mock.invocationCallOrder[0] ?? -Infinity);
    // The sync loop's own call gets that early answer; a later call asks again.
    await client?.getPushRules();
    expect(client?.pushRulesAsked).toBe(1);
    await client?.getPushRules();
    expect(client?.pushRulesAsked).toBe(2);
  });

  it("turns encryption on with this device's own store before the first sync", async () => {
    const { connection, clients } = setUp();

    await connection.start();

    const client = clients[0];
    expect(client?.initRustCrypto).toHaveBeenCalledWith({
      useIndexedDB: true,
      cryptoDatabasePrefix: STORE,
    });
    const initialised = client?.initRustCrypto.mock.invocationCallOrder[0] ?? Infinity;
    const started = client?.startClient.mock.invocationCallOrder[0] ?? -Infinity;
    expect(initialised).toBeLessThan(started);
    // Nobody verifies devices yet: messages must still go to unverified ones.
    expect(client?.getCrypto()?.globalBlacklistUnverifiedDevices).toBe(false);
    expect(connection.getSnapshot()).toMatchObject({
      encryption: "ready",
      encryptionProblem: null,
    });
  });

  it("still connects for unencrypted rooms when encryption cannot start, and says why", async () => {
    const { connection, clients, sdk } = setUp();
    const createClient = sdk.createClient;
    Object.assign(sdk, {
      createClient: (options: ICreateClientOpts) => {
        const client = createClient(options) as unknown as FakeMatrixClient;
        client.initRustCrypto.mockRejectedValueOnce(new Error("IndexedDB is blocked"));
        return client;
      },
    });

    await connection.start();
    clients[0]?.emit("sync", "PREPARED");

    expect(clients[0]?.startClient).toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({
      status: "connected",
      client: clients[0],
      encryption: "unavailable",
      encryptionProblem: "Encrypted chats are unavailable: IndexedDB is blocked",
    });
  });

  it("leaves the keys to another tab that is using them, and says so", async () => {
    const locks = new FakeLocks();
    locks.held.add(`${STORE}::lock`);
    const { connection, clients } = setUp(FakeBridge.signedIn(), {
      databases: new FakeDatabases(),
      locks,
    });

    await connection.start();

    expect(clients[0]?.initRustCrypto).not.toHaveBeenCalled();
    expect(clients[0]?.startClient).toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({
      encryption: "unavailable",
      encryptionProblem: ENCRYPTION_IN_OTHER_TAB,
    });
  });

  it("lets go of the keys when stopped, so the next start (or tab) can use them", async () => {
    const { connection, clients, locks } = setUp();
    await connection.start();
    expect(locks.held).toEqual(new Set([`${STORE}::lock`]));

    connection.stop();
    await vi.waitFor(() => expect(locks.held.size).toBe(0));
    await connection.start();

    expect(clients[1]?.initRustCrypto).toHaveBeenCalled();
    expect(connection.getSnapshot().encryption).toBe("ready");
  });

  it("deletes the device's keys from the browser when asked to forget it (signed out)", async () => {
    const { connection, clients, databases } = setUp();
    await connection.start();

    await connection.forgetDevice();

    expect(clients[0]?.stopped).toBe(true);
    expect(databases.deleted.sort()).toEqual([
      `${STORE}::matrix-sdk-crypto`,
      `${STORE}::matrix-sdk-crypto-meta`,
    ]);
    expect(connection.getSnapshot().status).toBe("stopped");
  });

  it("deletes every device's keys and synced rooms when the session ended without a sign-out here", async () => {
    const { connection, databases } = setUp();
    const kept = [
      `${STORE}::matrix-sdk-crypto`,
      `${STORE}::matrix-sdk-crypto-meta`,
      "xstream-crypto/@bea:example.org/BEADEVICE::matrix-sdk-crypto",
      "matrix-js-sdk:xstream-sync/@ana:example.org/WEBDEVICE",
      "matrix-js-sdk:xstream-sync/@bea:example.org/BEADEVICE",
    ];
    for (const name of [...kept, "some-other-app"]) databases.names.add(name);

    // A reload whose session check was refused: Matrix never started on this page.
    await connection.forgetEveryDevice();

    expect(connection.getSnapshot().status).toBe("stopped");
    expect(databases.names).toEqual(new Set(["some-other-app"]));
  });

  it("starts with fresh keys after a password change deleted the device, not after a retry", async () => {
    const { connection, databases } = setUp();
    await connection.start();

    await connection.retry();
    expect(databases.deleted).toEqual([]);

    await connection.restart();
    expect(databases.deleted).toHaveLength(2);
  });

  it("deletes keys left behind by other devices, and keeps this one's", async () => {
    const { connection, databases } = setUp();
    const old = "xstream-crypto/@ana:example.org/OLDDEVICE";
    for (const name of [
      `${old}::matrix-sdk-crypto`,
      `${STORE}::matrix-sdk-crypto`,
      "some-other-app",
    ]) {
      databases.names.add(name);
    }

    await connection.start();

    await vi.waitFor(() => expect(databases.deleted).toEqual([`${old}::matrix-sdk-crypto`]));
    expect(databases.names).toEqual(new Set([`${STORE}::matrix-sdk-crypto`, "some-other-app"]));
  });

  it("forgets the keys when the device is gone (hard logout), not on a soft logout", async () => {
    const { connection, clients, databases } = setUp();
    await connection.start();

    clients[0]?.emit("Session.logged_out", {
      errcode: "M_UNKNOWN_TOKEN",
      data: { soft_logout: true },
    });
    await vi.waitFor(() => expect(clients).toHaveLength(2));
    expect(databases.deleted).toEqual([]);

    clients[1]?.emit("sync", "PREPARED");
    clients[1]?.emit("Session.logged_out", {
      errcode: "M_UNKNOWN_TOKEN",
      data: { soft_logout: false },
    });
    await vi.waitFor(() => expect(clients).toHaveLength(3));
    expect(databases.deleted).toHaveLength(2);
  });

  it("syncs again at once on reconnectNow()", async () => {
    const { connection, clients } = setUp();
    await connection.start();
    const retryImmediately = vi.fn(() => true);
    Object.assign(clients[0] ?? {}, { retryImmediately });

    connection.reconnectNow();

    expect(retryImmediately).toHaveBeenCalled();
  });

  describe("choosing how to sync", () => {
    const SLIDING = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

    /** The SDK's SlidingSync as far as the connection drives it: constructed, then started. */
    function fakeSlidingSyncModule() {
      const made: { lists: Map<string, unknown> }[] = [];
      class SlidingSync {
        readonly lists: Map<string, unknown>;
        constructor(_url: string, lists: Map<string, unknown>) {
          this.lists = lists;
          made.push(this);
        }
        on() {}
        getListParams(key: string) {
          return this.lists.get(key) ?? null;
        }
        getRoomSubscriptions() {
          return new Set<string>();
        }
        modifyRoomSubscriptions = vi.fn();
      }
      const module = {
        SlidingSync,
        SlidingSyncEvent: { Lifecycle: "SlidingSync.Lifecycle" },
        SlidingSyncState: { Complete: "COMPLETE" },
      } as unknown as SlidingSyncModule;
      return { module, made };
    }

    it("uses sliding sync when nothing is cached and the homeserver serves it", async () => {
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () => json(200, { pos: "1" }));
      const sliding = fakeSlidingSyncModule();
      const { connection, clients } = setUp(bridge, undefined, {
        syncPreference: "auto",
        loadSlidingSync: async () => sliding.module,
      });
      await connection.start();

      expect(sliding.made).toHaveLength(1);
      expect(clients[0]?.startOptions[0]?.slidingSync).toBe(sliding.made[0]);
      expect(connection.getSnapshot().sync).toBe("sliding");
      // One request asked whether the homeserver serves it: the list preview, with the new access
      // token, on a connection of its own and without extensions.
      const asked = bridge.calls("POST", SLIDING);
      expect(asked).toHaveLength(1);
      expect(new Headers(asked[0]?.init?.headers).get("authorization")).toBe("Bearer syt_jwt-1");
      expect(asked[0]?.body).toMatchObject({
        conn_id: PREVIEW_CONN_ID,
        lists: { [PREVIEW_LIST]: { ranges: [[0, 11]] } },
      });
      expect(asked[0]?.body).not.toHaveProperty("extensions");
      // No list request of the SDK's goes out before its own, which carries the crypto's
      // extensions: one sent early without them left the device keys never uploaded.
      expect(clients[0]?.slidingSync).not.toHaveBeenCalled();
    });

    it("shows the preview's rooms while the crypto is still starting", async () => {
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () => json(200, PREVIEW_ANSWER));
      let unlock = () => {};
      const unlocked = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      const locks = new FakeLocks();
      const request = locks.request.bind(locks);
      locks.request = async (name, options, callback) => {
        await unlocked;
        return request(name, options, callback);
      };
      const { connection, clients } = setUp(
        bridge,
        { databases: new FakeDatabases(), locks },
        { syncPreference: "auto", loadSlidingSync: async () => fakeSlidingSyncModule().module },
      );
      const starting = connection.start();

      await vi.waitFor(() => expect(connection.getSnapshot().preview).not.toBeNull());
      expect(connection.getSnapshot()).toMatchObject({ status: "connecting", client: null });
      expect(connection.getSnapshot().preview?.rooms.map((room) => room.name)).toEqual([
        "Book club",
      ]);
      expect(clients[0]?.initRustCrypto).not.toHaveBeenCalled();

      unlock();
      await starting;
      // Kept beside the client until the room list has its own synced rooms.
      expect(connection.getSnapshot().client).not.toBeNull();
      expect(connection.getSnapshot().preview?.count).toBe(1);
      connection.stop();
      expect(connection.getSnapshot().preview).toBeNull();
    });

    it("sends no preview when this browser kept a room list, only the empty check", async () => {
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () => json(200, PREVIEW_ANSWER));
      localStorage.setItem("xstream:room-list:@ana:example.org", '{"direct":[],"groups":[]}');
      try {
        const { connection } = setUp(bridge, undefined, {
          syncPreference: "auto",
          loadSlidingSync: async () => fakeSlidingSyncModule().module,
        });
        await connection.start();

        expect(bridge.calls("POST", SLIDING).map((call) => call.body)).toEqual([{ lists: {} }]);
        expect(connection.getSnapshot()).toMatchObject({ sync: "sliding", preview: null });
      } finally {
        localStorage.clear();
      }
    });

    it("falls back to /sync v2 when the homeserver answers 404 M_UNRECOGNIZED", async () => {
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () =>
        json(404, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" }),
      );
      const sliding = fakeSlidingSyncModule();
      const { connection, clients } = setUp(bridge, undefined, {
        syncPreference: "auto",
        loadSlidingSync: async () => sliding.module,
      });
      await connection.start();

      expect(sliding.made).toHaveLength(0);
      expect(clients[0]?.startOptions[0]?.slidingSync).toBeUndefined();
      expect(clients[0]?.startOptions[0]?.initialSyncLimit).toBe(20);
      expect(connection.getSnapshot().sync).toBe("v2");
      // The preview was the one request that asked, and nothing of it shows.
      expect(bridge.calls("POST", SLIDING)).toHaveLength(1);
      expect(connection.getSnapshot().preview).toBeNull();
    });

    it("asks with the empty check when the preview got no answer", async () => {
      let asked = 0;
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () => {
        asked++;
        // The preview's connection drops; the check after it is answered.
        if (asked === 1) throw new TypeError("Failed to fetch");
        return json(200, { pos: "1" });
      });
      const sliding = fakeSlidingSyncModule();
      const { connection } = setUp(bridge, undefined, {
        syncPreference: "auto",
        loadSlidingSync: async () => sliding.module,
      });
      await connection.start();

      expect(bridge.calls("POST", SLIDING).map((call) => call.body)).toMatchObject([
        { conn_id: PREVIEW_CONN_ID },
        { lists: {} },
      ]);
      expect(connection.getSnapshot()).toMatchObject({ sync: "sliding", preview: null });
    });

    it("syncs with sliding sync, asked by the empty check, when the preview's code did not load", async () => {
      const bridge = FakeBridge.signedIn().on("POST", SLIDING, () => json(200, { pos: "1" }));
      const { connection } = setUp(bridge, undefined, {
        syncPreference: "auto",
        loadSlidingSync: async () => fakeSlidingSyncModule().module,
        loadPreview: () =>
          Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
      });
      await connection.start();

      expect(connection.getSnapshot()).toMatchObject({ status: "connecting", sync: "sliding" });
      expect(bridge.calls("POST", SLIDING).map((call) => call.body)).toEqual([{ lists: {} }]);
    });

    it("never asks for sliding sync when pinned to /sync v2", async () => {
      const bridge = FakeBridge.signedIn();
      const loadSlidingSync = vi.fn(async () => fakeSlidingSyncModule().module);
      const { connection } = setUp(bridge, undefined, { syncPreference: "v2", loadSlidingSync });
      await connection.start();

      expect(loadSlidingSync).not.toHaveBeenCalled();
      expect(bridge.calls("POST", SLIDING)).toEqual([]);
    });
  });
});
