// An "Element-like" Matrix client for browser tests: matrix-js-sdk with its Rust crypto in Node,
// signed in as a plain Matrix user, to talk to the web client the way another app would.
import {
  ClientEvent,
  createClient,
  type ICreateClientOpts,
  type MatrixClient,
  SyncState,
} from "matrix-js-sdk";
import { type MatrixUser, matrixRequest } from "./matrix.ts";

// matrix-js-sdk 43 uses Promise.withResolvers (Node 22+, every current browser); the tests run
// on Node 20.
if (!("withResolvers" in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      return { promise, resolve, reject };
    },
  });
}

// The SDK logs every request at debug level; only problems are worth keeping in the test output.
const quietLogger: NonNullable<ICreateClientOpts["logger"]> = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (...args: unknown[]) => console.error("[element]", ...args),
  getChild: () => quietLogger,
};

/** What Element does on login: a client with Rust crypto (in memory here), synced once. */
export async function startElementClient(baseUrl: string, user: MatrixUser): Promise<MatrixClient> {
  const client = createClient({
    baseUrl,
    userId: user.userId,
    accessToken: user.accessToken,
    deviceId: user.deviceId,
    logger: quietLogger,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const prepared = new Promise<void>((resolve) => {
    client.on(ClientEvent.Sync, (state) => {
      if (state === SyncState.Prepared) resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
  return client;
}

/** The devices of `userId` that have uploaded encryption keys, as the homeserver lists them. */
export async function devicesWithKeys(
  baseUrl: string,
  asUser: MatrixUser,
  userId: string,
): Promise<string[]> {
  const result = await matrixRequest<{ device_keys?: Record<string, Record<string, unknown>> }>(
    baseUrl,
    "POST",
    "/_matrix/client/v3/keys/query",
    { token: asUser.accessToken, body: { device_keys: { [userId]: [] } } },
  );
  return Object.keys(result.device_keys?.[userId] ?? {});
}
