import type pg from "pg";
import type { PartnerContext, PartnerMatrix } from "../domain/partnerContext.js";
import { createLogger, type Logger } from "../logger.js";
import { createPgPartnerStore } from "../store/pg/partnerStore.js";
import { createPgProfileStore } from "../store/pg/profileStore.js";

/** A PartnerMatrix that records what the domain asked of Matrix. */
export function createRecordingPartnerMatrix(options: { failRoomCreation?: boolean } = {}) {
  const published: string[] = [];
  const rooms: { requester: string; recipient: string; roomId: string }[] = [];
  const told: { kind: "received" | "accepted"; requestId: string; roomId?: string | null }[] = [];
  const ended: { roomId: string; blockedUserId: string }[] = [];
  let failRoomCreation = options.failRoomCreation ?? false;
  const matrix: PartnerMatrix = {
    async publishProfile(profile) {
      published.push(profile.userId);
    },
    async createPartnerRoom({ requester, recipient }) {
      if (failRoomCreation) throw new Error("homeserver unavailable");
      const roomId = `!room${rooms.length + 1}:localhost`;
      rooms.push({ requester: requester.userId, recipient: recipient.userId, roomId });
      return roomId;
    },
    async tellRequestReceived(request) {
      told.push({ kind: "received", requestId: request.id });
    },
    async tellRequestAccepted(request, roomId) {
      told.push({ kind: "accepted", requestId: request.id, roomId });
    },
    async displayNameOf(userId) {
      return `Name of ${userId}`;
    },
    async endPartnerRoom(roomId, blockedUserId) {
      ended.push({ roomId, blockedUserId });
    },
  };
  return {
    matrix,
    published,
    rooms,
    told,
    ended,
    setRoomCreationFails(fails: boolean) {
      failRoomCreation = fails;
    },
  };
}

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
