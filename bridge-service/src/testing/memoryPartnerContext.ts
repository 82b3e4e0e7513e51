import type { PartnerContext } from "../domain/partnerContext.js";
import { createLogger, type Logger } from "../logger.js";
import { createInMemoryPartnerStore } from "../store/memory/inMemoryPartnerStore.js";
import { createInMemoryProfileStore } from "../store/memory/inMemoryProfileStore.js";
import { createRecordingPartnerMatrix } from "./recordingPartnerMatrix.js";

/**
 * The real partner domain on in-memory stores, with Matrix recorded: for unit tests of its
 * callers (the bot), which then check what the domain really does with what they pass it.
 * The stores follow the PostgreSQL ones (testing/partnerStoresContract.ts runs on both).
 */
export function createInMemoryPartnerContext(
  options: { now?: () => Date; logger?: Logger; failRoomCreation?: boolean } = {},
) {
  const recorder = createRecordingPartnerMatrix(options);
  const partners = createInMemoryPartnerStore();
  const profiles = createInMemoryProfileStore({ pendingIncomingOf: partners.pendingIncomingOf });
  const ctx: PartnerContext = {
    profiles,
    partners,
    matrix: recorder.matrix,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createLogger("silent"),
  };
  return { ctx, profiles, partners, ...recorder };
}

type AsyncMethodOf<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * Makes the next call of `store[method]` reject with `error`, as a database that drops the
 * connection would; later calls reach the store again.
 */
export function failNextCall<T extends object, K extends AsyncMethodOf<T>>(
  store: T,
  method: K,
  error: Error,
): void {
  const original = store[method];
  store[method] = (() => {
    store[method] = original;
    return Promise.reject(error);
  }) as T[K];
}
