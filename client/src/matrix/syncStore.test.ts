import type { ISyncResponse } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import {
  CACHED_TIMELINE_LIMIT,
  deleteOtherSyncStores,
  openSyncStore,
  type SyncStoreSdk,
  seedSyncStore,
  syncStoreDatabase,
  syncStoreName,
} from "./syncStore";

class FakeDatabases {
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

function fakeStore(savedToken: string | null) {
  return {
    getSavedSyncToken: vi.fn(async () => savedToken),
    setSyncData: vi.fn(async (_data: ISyncResponse) => {}),
    save: vi.fn(async (_force?: boolean) => {}),
  };
}

const SNAPSHOT = { next_batch: "s42", rooms: { join: {} } } as unknown as ISyncResponse;

describe("seedSyncStore", () => {
  it("caches one /sync v2 snapshot the way the SDK's own first sync asks for it", async () => {
    const authedRequest = vi.fn(async () => SNAPSHOT);
    const store = fakeStore(null);
    await seedSyncStore({ http: { authedRequest } } as never, store);

    expect(authedRequest).toHaveBeenCalledTimes(1);
    const [method, path, query] = authedRequest.mock.calls[0] as unknown as [
      string,
      string,
      Record<string, string>,
    ];
    expect([method, path]).toEqual(["GET", "/sync"]);
    // No `since` (a snapshot, acknowledging nothing) and no wait.
    expect(query.since).toBeUndefined();
    expect(query.timeout).toBe("0");
    expect(JSON.parse(query.filter ?? "")).toEqual({
      room: { timeline: { limit: CACHED_TIMELINE_LIMIT, unread_thread_notifications: true } },
    });
    expect(store.setSyncData).toHaveBeenCalledWith(SNAPSHOT);
    expect(store.save).toHaveBeenCalledWith(true);
  });

  it("fills a store whose token is empty (the SDK's answer for a new database)", async () => {
    const authedRequest = vi.fn(async () => SNAPSHOT);
    const store = fakeStore("");
    await seedSyncStore({ http: { authedRequest } } as never, store);
    expect(store.setSyncData).toHaveBeenCalledWith(SNAPSHOT);
  });

  it("leaves a store that already has a sync alone", async () => {
    const authedRequest = vi.fn(async () => SNAPSHOT);
    const store = fakeStore("s1");
    await seedSyncStore({ http: { authedRequest } } as never, store);
    expect(authedRequest).not.toHaveBeenCalled();
    expect(store.setSyncData).not.toHaveBeenCalled();
  });
});

describe("deleteOtherSyncStores", () => {
  it("deletes other devices' synced rooms, and nothing else", async () => {
    const databases = new FakeDatabases();
    const mine = syncStoreDatabase("@ana:hs", "NEW");
    const old = syncStoreDatabase("@ana:hs", "OLD");
    const someoneElse = syncStoreDatabase("@ben:hs", "DEV");
    for (const name of [mine, old, someoneElse, "matrix-js-sdk:default", "other-app"]) {
      databases.names.add(name);
    }
    await deleteOtherSyncStores(databases, "@ana:hs", "NEW");
    expect(databases.deleted.sort()).toEqual([someoneElse, old].sort());
    expect(databases.names).toEqual(new Set([mine, "matrix-js-sdk:default", "other-app"]));
  });
});

describe("openSyncStore", () => {
  function sdkWithToken(token: string | null, failing = false) {
    const made: { dbName: string }[] = [];
    class IndexedDBStore {
      constructor(readonly opts: { dbName: string }) {
        made.push(opts);
      }
      async startup() {
        if (failing) throw new Error("IndexedDB refused");
      }
      async getSavedSyncToken() {
        return token;
      }
    }
    return { sdk: { IndexedDBStore } as unknown as SyncStoreSdk, made };
  }

  it("names the store after the user and device, and is warm only with a sync position", async () => {
    const warm = sdkWithToken("s42");
    const opened = openSyncStore(warm.sdk, {} as IDBFactory, "@ana:hs", "DEV");
    expect(warm.made).toEqual([
      expect.objectContaining({ dbName: syncStoreName("@ana:hs", "DEV") }),
    ]);
    await expect(opened.load()).resolves.toBe(true);

    for (const token of ["", null]) {
      const cold = sdkWithToken(token);
      await expect(
        openSyncStore(cold.sdk, {} as IDBFactory, "@ana:hs", "DEV").load(),
      ).resolves.toBe(false);
    }
  });

  it("is cold when IndexedDB fails, and keeps nothing without IndexedDB", async () => {
    const failing = sdkWithToken("s42", true);
    await expect(openSyncStore(failing.sdk, {} as IDBFactory, "@a:hs", "D").load()).resolves.toBe(
      false,
    );
    const none = openSyncStore(sdkWithToken("s42").sdk, null, "@a:hs", "D");
    expect(none.store).toBeNull();
    await expect(none.load()).resolves.toBe(false);
  });
});
