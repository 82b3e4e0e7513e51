import type pg from "pg";
import type { PartnerContext } from "../domain/partnerContext.js";
import { createLogger, type Logger } from "../logger.js";
import { createPgPartnerStore } from "../store/pg/partnerStore.js";
import { createPgProfileStore } from "../store/pg/profileStore.js";
import { createRecordingPartnerMatrix } from "./recordingPartnerMatrix.js";

export { createRecordingPartnerMatrix };

/** The partner domain on real PostgreSQL stores, with Matrix recorded. */
export function createPgPartnerContext(
  pool: pg.Pool,
  options: { now?: () => Date; logger?: Logger; failRoomCreation?: boolean } = {},
) {
  const recorder = createRecordingPartnerMatrix(options);
  const ctx: PartnerContext = {
    profiles: createPgProfileStore(pool),
    partners: createPgPartnerStore(pool),
    matrix: recorder.matrix,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createLogger("silent"),
  };
  return { ctx, ...recorder };
}

/**
 * For unit tests of the app that never reach partner routes: any use of the stores fails
 * loudly instead of quietly answering.
 */
export function createUnusedPartnerContext(): PartnerContext {
  const unused = new Proxy(
    {},
    {
      get(_target, name) {
        return () =>
          Promise.reject(new Error(`partner store used in a unit test: ${String(name)}`));
      },
    },
  );
  return {
    profiles: unused as PartnerContext["profiles"],
    partners: unused as PartnerContext["partners"],
    matrix: createRecordingPartnerMatrix().matrix,
    now: () => new Date(),
    logger: createLogger("silent"),
  };
}
