/*
 * Where this browser keeps what the homeserver last synced for one Matrix device: matrix-js-sdk's
 * IndexedDB store (rooms, their recent timelines and state, account data, the sync position),
 * one database per user and device, deleted on sign-out like the device's keys. With it a reload
 * shows the room list and the open room before the network answers, then catches up with one
 * incremental /sync.
 */
import type { IndexedDBStore, ISyncResponse, MatrixClient, Method } from "matrix-js-sdk";
import type { CryptoDatabases } from "./cryptoStore";
import { sdkValue } from "./sdkValues";

const GET = sdkValue<Method.Get>("GET");

const STORE_PREFIX = "xstream-sync";

/** What matrix-js-sdk puts before the `dbName` of its IndexedDB store. */
const SDK_DATABASE_PREFIX = "matrix-js-sdk:";

/** The part of the SDK that makes the store; loaded lazily with the rest of it. */
export type SyncStoreSdk = { IndexedDBStore: typeof IndexedDBStore };

/** The store name (`dbName`) of one user's device in this browser. */
export function syncStoreName(userId: string, deviceId: string): string {
  return `${STORE_PREFIX}/${userId}/${deviceId}`;
}

/** The IndexedDB database that holds that store. */
export function syncStoreDatabase(userId: string, deviceId: string): string {
  return SDK_DATABASE_PREFIX + syncStoreName(userId, deviceId);
}

export type OpenedSyncStore = {
  /** The store for `createClient`; null leaves the SDK's memory store (nothing kept). */
  store: IndexedDBStore | null;
  /**
   * Loads the cached sync; resolves to whether there was one (then rooms show before the
   * network answers). Never rejects.
   */
  load: () => Promise<boolean>;
};

/**
 * The device's IndexedDB store for `createClient`. The SDK wants it given to the client before
 * it loads, so `load()` is called after `createClient`; it loads in the background while the
 * crypto starts. A store that fails to open degrades to memory by itself (the SDK's own
 * fallback): everything works, nothing is kept.
 */
export function openSyncStore(
  sdk: SyncStoreSdk,
  indexedDB: IDBFactory | null,
  userId: string,
  deviceId: string,
): OpenedSyncStore {
  if (!indexedDB) return { store: null, load: () => Promise.resolve(false) };
  const store = new sdk.IndexedDBStore({ indexedDB, dbName: syncStoreName(userId, deviceId) });
  let loading: Promise<boolean> | null = null;
  const load = () => {
    loading ??= store
      .startup()
      .then(() => store.getSavedSyncToken())
      .then((token) => Boolean(token))
      .catch(() => false);
    return loading;
  };
  return { store, load };
}

function deleteDatabase(databases: CryptoDatabases, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = databases.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`Couldn't delete ${name}`));
    // Still open in this or another tab: deleted once it is closed.
    request.onblocked = () => resolve();
  });
}

/** Deletes what a device synced from this browser (it signed out, or the device is gone). */
export function deleteSyncStore(
  databases: CryptoDatabases,
  userId: string,
  deviceId: string,
): Promise<void> {
  return deleteDatabase(databases, syncStoreDatabase(userId, deviceId));
}

/**
 * Deletes every other device's synced data, e.g. of a session that ended while no tab was open:
 * one browser has one Xstream session at a time.
 */
export function deleteOtherSyncStores(
  databases: CryptoDatabases,
  userId: string,
  deviceId: string,
): Promise<void> {
  return deleteSyncStoresBut(databases, syncStoreDatabase(userId, deviceId));
}

/** Deletes every device's synced data (the session ended without a sign-out in this browser). */
export function deleteEverySyncStore(databases: CryptoDatabases): Promise<void> {
  return deleteSyncStoresBut(databases, null);
}

async function deleteSyncStoresBut(databases: CryptoDatabases, keep: string | null) {
  if (!databases.databases) return;
  const names = (await databases.databases()).flatMap(({ name }) => (name ? [name] : []));
  const stale = names.filter(
    (name) => name.startsWith(`${SDK_DATABASE_PREFIX}${STORE_PREFIX}/`) && name !== keep,
  );
  await Promise.all(stale.map((name) => deleteDatabase(databases, name)));
}

/** How many events per room the cache keeps from a first sync (the client's initialSyncLimit). */
export const CACHED_TIMELINE_LIMIT = 20;

/**
 * Fills an empty store with one /sync v2 snapshot, so the next start is warm even though this
 * session synced through sliding sync (which the SDK does not cache). Runs once per device, in
 * the background after the room list is complete. The snapshot only reads: to-device messages
 * in it stay on the server for sliding sync, which delivers and acknowledges them; the next
 * start's /sync resumes from the snapshot's position, so nothing sent meanwhile is missed.
 */
export async function seedSyncStore(
  client: Pick<MatrixClient, "http">,
  store: Pick<IndexedDBStore, "setSyncData" | "save" | "getSavedSyncToken">,
): Promise<void> {
  if (await store.getSavedSyncToken()) return;
  const filter = {
    room: { timeline: { limit: CACHED_TIMELINE_LIMIT, unread_thread_notifications: true } },
  };
  const response = await client.http.authedRequest<ISyncResponse>(GET, "/sync", {
    filter: JSON.stringify(filter),
    timeout: "0",
    // As the SDK's own /sync asks, so the cached rooms read the same way.
    "org.matrix.msc4222.use_state_after": "true",
  });
  await store.setSyncData(response);
  await store.save(true);
}
