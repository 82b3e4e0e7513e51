// The partner directory: each organisation publishes its opted-in learners as state events in a
// room only its bot writes, and reads its partners' rooms under the trust rule
// (directoryEntries.ts). A pairing is live when both operators list each other: each side invites
// only the bots of servers it lists and joins only rooms of servers it lists.
import type { Logger } from "../logger.js";
import type { DirectoryStore, StoredEntry } from "../store/directoryStore.js";
import type { ProfileStore } from "../store/profileStore.js";
import { validateDisplayName } from "./accountRules.js";
import { type RoomStateWriter, settleHistoryVisibility } from "./botRoomHistory.js";
import {
  DIRECTORY_ROOM_TYPE,
  type DirectoryEntry,
  entryCandidate,
  type IgnoredReason,
  isPublishable,
  LEARNER_EVENT_TYPE,
  learnerEntryContent,
  learnerStateKey,
  readLearnerEvent,
  type TrustRule,
} from "./directoryEntries.js";
import { type MatchCandidate, offeredExchanges, soughtExchanges } from "./matching.js";
import { isMatrixUserId, serverNameOf } from "./matrixIds.js";
import {
  inviteUnlessPresent,
  joinPartnerRooms,
  joinUnlessJoined,
  type PairingBackoff,
} from "./pairingBackoff.js";
import type { RemoteLearners } from "./partnerContext.js";
import type { Profile } from "./profiles.js";

/** A state event as the directory reads it from a room. */
export interface DirectoryStateEvent {
  type: string;
  stateKey: string;
  sender: string;
  content: Record<string, unknown>;
}

/**
 * What the directory needs from Matrix, as the bot (matrix/directoryMatrix.ts).
 */
export interface DirectoryMatrix extends RoomStateWriter {
  /**
   * Creates our directory room: invite-only, history for members from their invite on, state and
   * messages at power 100 (the bot's), `m.room.server_acl` allowing `allowServers`, the alias
   * `#xstream_directory:<ours>`, `invite` invited. Resolves with its id.
   */
  createDirectoryRoom(options: {
    name: string;
    allowServers: readonly string[];
    invite: readonly string[];
  }): Promise<string>;
  /** The room behind `#xstream_directory:<serverName>`, or undefined when there is none. */
  resolveDirectory(serverName: string): Promise<string | undefined>;
  /** The servers the room's `m.room.server_acl` allows, or undefined without one. */
  serverAcl(roomId: string): Promise<string[] | undefined>;
  setServerAcl(roomId: string, allowServers: readonly string[]): Promise<void>;
  /** Every member's membership (join, invite, leave, ban). */
  memberships(roomId: string): Promise<Map<string, string>>;
  invite(roomId: string, userId: string): Promise<void>;
  kick(roomId: string, userId: string, reason: string): Promise<void>;
  /** Joins through `viaServer`; false when refused (not invited, not allowed). */
  join(roomId: string, viaServer: string): Promise<boolean>;
  leave(roomId: string): Promise<void>;
  roomState(roomId: string): Promise<DirectoryStateEvent[]>;
  redact(roomId: string, eventId: string, reason: string): Promise<void>;
}

export interface DirectoryContext {
  store: DirectoryStore;
  profiles: Pick<ProfileStore, "get">;
  matrix: DirectoryMatrix;
  serverName: string;
  botLocalpart: string;
  /** PARTNER_ORGANISATIONS: the servers we list (the pairing is live once they list us too). */
  partners: readonly string[];
  /** Our organisation's name, on our directory room; partners' cards say "from <name>". */
  organisationName: string;
  /** Told about every entry the trust rule refused. */
  onIgnored: (reason: IgnoredReason) => void;
  /**
   * Which users of a server its organisation banned (domain/policyList.ts): banned learners are
   * neither published nor kept. Absent: nobody.
   */
  bannedUsersOf?: (serverName: string) => Promise<(userId: string) => boolean>;
  /**
   * Offered every room a partner's bot invited ours to, once joined: true when it is not a
   * directory but another room of theirs it handles (their request room, directoryRequests.ts).
   */
  claimRoom?: (serverName: string, roomId: string) => Promise<boolean>;
  /**
   * Runs a task on a room after the room's events already queued (the service's queue), so that
   * reading a partner's room afresh and applying one of its events never interleave. Absent: at
   * once.
   */
  inRoomOrder?: <T>(roomId: string, task: () => Promise<T>) => Promise<T>;
  /** Pauses between tries to join a room a partner's bot invited ours to (default below). */
  joinRetryDelaysMs?: readonly number[];
  now: () => Date;
  logger: Logger;
}

/**
 * Our join may reach the inviting server before it has stored the invite it just sent us, which
 * then refuses the join (403): a request room invited to once, and never again, was left unjoined
 * for good. So a refused join is tried again a few times, about 15 s in all.
 */
const JOIN_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

/** Entries read between two turns of the event loop when a whole room is read. */
const READ_BATCH = 500;

const stored = (entry: DirectoryEntry): StoredEntry => ({
  ...entry,
  exchangeKeys: offeredExchanges(entry),
});
const botOf = (ctx: DirectoryContext, serverName: string) => `@${ctx.botLocalpart}:${serverName}`;
const nobody = () => false;
const bannedBy = (ctx: DirectoryContext, serverName: string) =>
  ctx.bannedUsersOf ? ctx.bannedUsersOf(serverName) : Promise.resolve(nobody);
const trustRule = (ctx: DirectoryContext): TrustRule => ({
  botLocalpart: ctx.botLocalpart,
  partners: new Set(ctx.partners),
});

/** Partner organisations' learners for findPartners. */
export function remoteLearners(ctx: DirectoryContext): RemoteLearners {
  return {
    async findCandidates(me: Profile, excluded: ReadonlySet<string>, limit: number) {
      const found = await ctx.store.findCandidates(
        soughtExchanges(me),
        ctx.partners,
        new Set([me.userId, ...excluded]),
        limit,
      );
      return found.map(
        ({ entry, organisation, pendingIncoming }): MatchCandidate =>
          entryCandidate(entry, organisation, pendingIncoming),
      );
    },
  };
}

/** Whether `userId` has asked to be shown to partner organisations' learners. */
export function partnerVisibility(ctx: DirectoryContext, userId: string): Promise<boolean> {
  return ctx.store.isOptedIn(userId);
}

/**
 * Turns "also show me to learners of partner organisations" on or off and brings the learner's
 * entry in line. Matrix failures are logged; `reconcileDirectory` retries.
 */
export async function setPartnerVisibility(
  ctx: DirectoryContext,
  userId: string,
  visible: boolean,
): Promise<boolean> {
  await ctx.store.setOptedIn(userId, visible, ctx.now());
  await publishLearner(ctx, userId).catch((error: unknown) => {
    ctx.logger.warn({ err: error, userId }, "updating a directory entry failed; will retry");
  });
  return visible;
}

/**
 * Puts the learner's current entry in our directory room, or clears it (empty content, then
 * redacting every earlier version) when they are not to be shown. No-op without partners or
 * before our room exists.
 * @returns whether anything was sent
 */
export async function publishLearner(ctx: DirectoryContext, userId: string): Promise<boolean> {
  if (ctx.partners.length === 0 || serverNameOf(userId) !== ctx.serverName) return false;
  const room = await ctx.store.roomOfServer(ctx.serverName);
  if (!room) return false;
  const [profile, optedIn, published, banned] = await Promise.all([
    ctx.profiles.get(userId),
    ctx.store.isOptedIn(userId),
    ctx.store.publicationOf(userId),
    bannedBy(ctx, ctx.serverName),
  ]);
  const wanted =
    profile && optedIn && isPublishable(profile, ctx.serverName) && !banned(userId)
      ? JSON.stringify(learnerEntryContent(profile))
      : null;
  if (wanted === (published?.content ?? null)) {
    // Cleared already, but earlier versions may still wait for their redaction.
    if (wanted === null && published && published.eventIds.length > 1) {
      await redactEarlier(ctx, room.roomId, userId, published.eventIds);
    }
    return false;
  }
  const eventId = await ctx.matrix.putState(
    room.roomId,
    LEARNER_EVENT_TYPE,
    learnerStateKey(userId),
    wanted === null ? {} : (JSON.parse(wanted) as Record<string, unknown>),
  );
  await ctx.store.recordPublication(userId, wanted, eventId);
  if (wanted === null) {
    await redactEarlier(ctx, room.roomId, userId, [...(published?.eventIds ?? []), eventId]);
  }
  ctx.logger.info({ userId, published: wanted !== null }, "directory entry updated");
  return true;
}

/** Redacts every version of a cleared entry but the clearing event itself. */
async function redactEarlier(
  ctx: DirectoryContext,
  roomId: string,
  userId: string,
  eventIds: readonly string[],
) {
  const clearing = eventIds.at(-1);
  for (const eventId of eventIds.slice(0, -1)) {
    await ctx.matrix.redact(roomId, eventId, "The learner left the partner directory.");
  }
  await ctx.store.forgetEvents(userId, clearing ? [clearing] : []);
}

/** Brings every opted-in (or still published) learner's entry in line; returns how many changed. */
export async function reconcileDirectory(ctx: DirectoryContext): Promise<number> {
  let changed = 0;
  for (const userId of await ctx.store.usersToReconcile()) {
    if (await publishLearner(ctx, userId)) changed++;
  }
  return changed;
}

/** A display name from a partner's room name, or their server name. */
function organisationNameOf(state: readonly DirectoryStateEvent[], serverName: string): string {
  const name = state.find((event) => event.type === "m.room.name" && event.stateKey === "")?.content
    .name;
  if (typeof name !== "string") return serverName;
  try {
    return validateDisplayName(name);
  } catch {
    return serverName;
  }
}

/**
 * Reads a partner's whole directory room and replaces what we hold of it: what the bridge does
 * at start-up and when it first joins. A room that is not `serverName`'s directory (another
 * type, or created by someone other than its bot) is left.
 * @returns how many entries were kept, or undefined when the room was not a directory
 */
export async function rebuildPartner(
  ctx: DirectoryContext,
  serverName: string,
  roomId: string,
): Promise<number | undefined> {
  const state = await ctx.matrix.roomState(roomId);
  const create = state.find((event) => event.type === "m.room.create" && event.stateKey === "");
  if (create?.content.type !== DIRECTORY_ROOM_TYPE || create.sender !== botOf(ctx, serverName)) {
    ctx.logger.warn({ roomId, serverName }, "not a directory room; leaving it");
    await ctx.matrix.leave(roomId).catch(() => {});
    return undefined;
  }
  const rule = trustRule(ctx);
  const banned = await bannedBy(ctx, serverName);
  const entries: StoredEntry[] = [];
  for (const [i, event] of state.entries()) {
    // A big directory takes a while to read: let other work in between.
    if (i % READ_BATCH === READ_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    if (event.type !== LEARNER_EVENT_TYPE) continue;
    const reading = readLearnerEvent({ ...event, roomOwner: serverName }, rule);
    if (reading.kind === "entry") {
      if (!banned(reading.entry.userId)) entries.push(stored(reading.entry));
    } else if (reading.kind === "ignored") ctx.onIgnored(reading.reason);
  }
  await ctx.store.saveRoom({
    serverName,
    roomId,
    organisationName: organisationNameOf(state, serverName),
  });
  await ctx.store.replaceEntries(serverName, entries);
  ctx.logger.info({ serverName, roomId, entries: entries.length }, "partner directory read");
  return entries.length;
}

/**
 * Reads every joined partner's room afresh, each in its turn among the room's events: room state
 * is the truth, so an entry event that reached our homeserver but was never applied is found
 * again. A room that fails is logged and left to the next time.
 */
export async function rereadPartners(ctx: DirectoryContext): Promise<void> {
  for (const room of await ctx.store.rooms()) {
    if (room.serverName === ctx.serverName || !ctx.partners.includes(room.serverName)) continue;
    const read = () => rebuildPartner(ctx, room.serverName, room.roomId);
    await (ctx.inRoomOrder ? ctx.inRoomOrder(room.roomId, read) : read()).catch(
      (error: unknown) => {
        ctx.logger.warn(
          { err: error, serverName: room.serverName },
          "reading a partner's directory again failed; will retry",
        );
      },
    );
  }
}

/** One `org.xstream.learner` event from a transaction, under the trust rule. */
export async function applyLearnerEvent(
  ctx: DirectoryContext,
  event: { roomId: string; sender: string; stateKey: string; content: Record<string, unknown> },
): Promise<void> {
  const room = await ctx.store.roomById(event.roomId);
  const reading = readLearnerEvent(
    {
      sender: event.sender,
      stateKey: event.stateKey,
      content: event.content,
      roomOwner: room && room.serverName !== ctx.serverName ? room.serverName : undefined,
    },
    trustRule(ctx),
  );
  switch (reading.kind) {
    case "entry":
      // A learner their own organisation banned is not shown, whatever their entry says.
      if ((await bannedBy(ctx, reading.entry.serverName))(reading.entry.userId)) {
        await ctx.store.removeEntry(reading.entry.userId);
        return;
      }
      if (!(await ctx.store.upsertEntry(stored(reading.entry)))) {
        ctx.logger.debug({ userId: reading.entry.userId }, "older directory entry ignored");
      }
      return;
    case "cleared":
      await ctx.store.removeEntry(reading.userId);
      return;
    case "ignored":
      ctx.onIgnored(reading.reason);
      ctx.logger.info(
        { roomId: event.roomId, sender: event.sender, reason: reading.reason },
        "directory entry ignored",
      );
  }
}

/**
 * A bot of another server invited ours: if that server is a partner, join (its directory room)
 * and read it, and make sure its bot is invited to ours (it lists us, so the pairing completes
 * now rather than at the next retry); otherwise decline.
 */
export async function invitedByBot(
  ctx: DirectoryContext,
  inviter: string,
  roomId: string,
  backoff?: PairingBackoff,
): Promise<void> {
  const serverName = serverNameOf(inviter);
  if (!isMatrixUserId(inviter) || inviter !== botOf(ctx, serverName)) return;
  if (!ctx.partners.includes(serverName)) {
    ctx.logger.info({ serverName }, "directory invite from a server we do not list; declined");
    await ctx.matrix.leave(roomId).catch(() => {});
    return;
  }
  backoff?.resetServer(serverName);
  const ourBot = botOf(ctx, ctx.serverName);
  let joined = await joinUnlessJoined(ctx.matrix, roomId, serverName, ourBot);
  for (const delay of ctx.joinRetryDelaysMs ?? JOIN_RETRY_DELAYS_MS) {
    if (joined) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    joined = await joinUnlessJoined(ctx.matrix, roomId, serverName, ourBot);
  }
  if (joined) {
    if (!(await ctx.claimRoom?.(serverName, roomId))) await rebuildPartner(ctx, serverName, roomId);
  }
  const own = await ctx.store.roomOfServer(ctx.serverName);
  if (!own) return;
  await inviteUnlessPresent(ctx.matrix, own.roomId, inviter).catch((error: unknown) => {
    ctx.logger.warn({ err: error, serverName }, "inviting a partner's bot failed; will retry");
  });
}

/** Our bot left or was removed from a partner's room: they ended the pairing. */
export async function leftPartnerRoom(ctx: DirectoryContext, roomId: string): Promise<void> {
  const room = await ctx.store.roomById(roomId);
  if (!room || room.serverName === ctx.serverName) return;
  const removed = await ctx.store.forgetServer(room.serverName);
  ctx.logger.info({ serverName: room.serverName, removed }, "removed from a partner directory");
}

/** Our directory room, created (or found again by its alias) if need be. */
async function ensureOwnRoom(ctx: DirectoryContext): Promise<string> {
  const stored = await ctx.store.roomOfServer(ctx.serverName);
  if (stored) return stored.roomId;
  const roomId =
    (await ctx.matrix.resolveDirectory(ctx.serverName)) ??
    (await ctx.matrix.createDirectoryRoom({
      name: ctx.organisationName,
      allowServers: aclHosts([ctx.serverName, ...ctx.partners]),
      invite: ctx.partners.map((server) => botOf(ctx, server)),
    }));
  await ctx.store.saveRoom({
    serverName: ctx.serverName,
    roomId,
    organisationName: ctx.organisationName,
  });
  ctx.logger.info({ roomId }, "directory room ready");
  return roomId;
}

const sameServers = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");

/**
 * `m.room.server_acl` entries for these servers: each name as it is and, when it has a port,
 * without it. The spec compares names without their port, while Synapse also checks its own
 * full name when the ACL is set; listing both satisfies either reading. On one machine every
 * `localhost:<port>` is then allowed as `localhost`: there the invite-only join rule alone keeps
 * other servers out.
 */
export function aclHosts(serverNames: readonly string[]): string[] {
  const hosts = serverNames.flatMap((name) => {
    const host = name.startsWith("[")
      ? name.slice(0, name.indexOf("]") + 1)
      : name.replace(/:\d+$/, "");
    return host === name ? [name] : [name, host];
  });
  return [...new Set(hosts)];
}

/**
 * Brings the pairing in line with PARTNER_ORGANISATIONS: our room's ACL and invited bots, the
 * partners' rooms we read (joined, or left when a server is no longer listed). Each step's
 * failure is logged and left to the next round.
 * @param rebuild read every partner room afresh (start-up)
 * @param reinvite invite again partners' bots that left or declined, and try again to join
 *   partners' rooms, when `backoff` says it is time (a partner that does not list us yet
 *   declines; asking every round would only add noise to both rooms). Without `backoff`, every
 *   time.
 * @returns whether some partner's side is still incomplete (worth an early next round)
 */
export async function syncDirectory(
  ctx: DirectoryContext,
  {
    rebuild = false,
    reinvite = true,
    backoff,
  }: { rebuild?: boolean; reinvite?: boolean; backoff?: PairingBackoff } = {},
): Promise<{ pending: boolean }> {
  let pending = false;
  const due = (key: string) => reinvite && (backoff?.due(key) ?? true);
  const warn = (error: unknown, what: string, extra: Record<string, unknown> = {}) =>
    ctx.logger.warn({ err: error, ...extra }, `${what}; will retry`);
  // Servers we stopped listing: their rooms are left and their entries go at once.
  for (const room of await ctx.store.rooms()) {
    if (room.serverName === ctx.serverName || ctx.partners.includes(room.serverName)) continue;
    const removed = await ctx.store.forgetServer(room.serverName);
    await ctx.matrix.leave(room.roomId).catch((error: unknown) => {
      ctx.logger.debug({ err: error }, "leaving a former partner's room failed");
    });
    ctx.logger.info({ serverName: room.serverName, removed }, "partner no longer listed");
  }
  if (ctx.partners.length === 0 && !(await ctx.store.roomOfServer(ctx.serverName))) {
    return { pending };
  }

  let ownRoom: string;
  try {
    ownRoom = await ensureOwnRoom(ctx);
  } catch (error) {
    warn(error, "creating the directory room failed");
    return { pending: true };
  }
  const allowed = aclHosts([ctx.serverName, ...ctx.partners]);
  try {
    if (!sameServers((await ctx.matrix.serverAcl(ownRoom)) ?? [], allowed)) {
      await ctx.matrix.setServerAcl(ownRoom, allowed);
    }
    await settleHistoryVisibility(ctx.matrix, ownRoom);
    const members = await ctx.matrix.memberships(ownRoom);
    for (const [userId, membership] of members) {
      const server = serverNameOf(userId);
      if (server === ctx.serverName || ctx.partners.includes(server)) continue;
      if (membership === "join" || membership === "invite") {
        await ctx.matrix.kick(ownRoom, userId, "This organisation is no longer a partner.");
        ctx.logger.info({ userId }, "former partner's bot removed from the directory");
      }
    }
    for (const server of ctx.partners) {
      const key = `invite ${server}`;
      const membership = members.get(botOf(ctx, server));
      if (membership === "join") backoff?.reset(key);
      if (membership === "join" || membership === "invite") continue;
      pending = true;
      if (membership !== undefined && !due(key)) continue;
      backoff?.tried(key);
      await ctx.matrix.invite(ownRoom, botOf(ctx, server)).catch((error: unknown) => {
        warn(error, "inviting a partner's bot failed", { server });
      });
    }
  } catch (error) {
    warn(error, "updating the directory room failed");
    pending = true;
  }

  const joining = await joinPartnerRooms({
    partners: ctx.partners,
    rebuild,
    backoff,
    knownRoom: async (server) => (await ctx.store.roomOfServer(server))?.roomId,
    resolveRoom: (server) => ctx.matrix.resolveDirectory(server),
    // In turn with the room's events: an invite being handled joins first, and this finds it in.
    join: (roomId, server) => {
      const join = () => joinUnlessJoined(ctx.matrix, roomId, server, botOf(ctx, ctx.serverName));
      return ctx.inRoomOrder ? ctx.inRoomOrder(roomId, join) : join();
    },
    read: (server, roomId) =>
      ctx.inRoomOrder
        ? ctx.inRoomOrder(roomId, () => rebuildPartner(ctx, server, roomId))
        : rebuildPartner(ctx, server, roomId),
    onError: (error, server) => warn(error, "reading a partner's directory failed", { server }),
  });
  pending ||= joining;
  return { pending };
}
