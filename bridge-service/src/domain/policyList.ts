// Our policy room and our partners': bans published as `m.policy.rule.user` rules, partners' rules
// read under the trust rule (policyRules.ts) and applied to the partner directory. Pairing follows
// PARTNER_ORGANISATIONS exactly as the directory's does (directory.ts): we invite only the bots of
// servers we list, and join only policy rooms of servers we list.
import type { Logger } from "../logger.js";
import type { LearnerBan, PolicyStore } from "../store/policyStore.js";
import { settleHistoryVisibility } from "./botRoomHistory.js";
import {
  aclHosts,
  type DirectoryContext,
  type DirectoryMatrix,
  type DirectoryStateEvent,
  publishLearner,
  rebuildPartner,
} from "./directory.js";
import { isMatrixUserId, serverNameOf } from "./matrixIds.js";
import {
  inviteUnlessPresent,
  joinPartnerRooms,
  joinUnlessJoined,
  type PairingBackoff,
} from "./pairingBackoff.js";
import {
  banMatcher,
  banRuleContent,
  type IgnoredRuleReason,
  MAX_REASON,
  POLICY_ROOM_TYPE,
  type PolicyTrust,
  readUserRule,
  ruleStateKey,
  USER_RULE_TYPE,
  type UserRule,
} from "./policyRules.js";

/** What the policy list needs from Matrix: the directory's calls, plus its own room. */
export interface PolicyMatrix
  extends Pick<
    DirectoryMatrix,
    | "serverAcl"
    | "setServerAcl"
    | "memberships"
    | "invite"
    | "kick"
    | "join"
    | "leave"
    | "roomState"
    | "putState"
  > {
  /**
   * Creates our policy room like the directory room (invite-only, only the bot writes, ACL),
   * with the alias `#xstream_policy:<ours>`. Resolves with its id.
   */
  createPolicyRoom(options: {
    name: string;
    allowServers: readonly string[];
    invite: readonly string[];
  }): Promise<string>;
  /** The room behind `#xstream_policy:<serverName>`, or undefined when there is none. */
  resolvePolicyRoom(serverName: string): Promise<string | undefined>;
}

export interface PolicyContext {
  store: PolicyStore;
  matrix: PolicyMatrix;
  /** The directory the rules apply to (our learners' entries, partners' entries). */
  directory: DirectoryContext;
  serverName: string;
  botLocalpart: string;
  partners: readonly string[];
  organisationName: string;
  /** Told about every rule the trust rule refused. */
  onIgnored: (reason: IgnoredRuleReason) => void;
  /**
   * Reads a partner's directory room again so its entries follow the rules (coalesced by the
   * caller: a burst of rules costs one reading). Defaults to reading it at once.
   */
  refreshEntries?: (serverName: string) => Promise<void>;
  now: () => Date;
  logger: Logger;
}

/** A ban the operator asked for that cannot be: the message says why, for the CLI to print. */
export class BanRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BanRefused";
  }
}

/** State events read between two turns of the event loop when a whole room is read. */
const READ_BATCH = 500;
/** Pending bans published per round; the rest wait for the next. */
const PUBLISH_BATCH = 100;
const DEFAULT_REASON = "Banned by the organisation.";

const botOf = (ctx: { botLocalpart: string }, serverName: string) =>
  `@${ctx.botLocalpart}:${serverName}`;

/**
 * Bans one of our learners (the operator's `cli.js ban`): the bridge then publishes the rule and
 * clears their directory entry. Re-banning with another reason re-words the rule.
 * @returns false when that exact ban was already in force
 * @throws BanRefused for a user id that is not ours or a reason beyond the limit
 */
export async function banLearner(
  ctx: { store: PolicyStore; serverName?: string | undefined; now: () => Date },
  userId: string,
  reason: string,
): Promise<boolean> {
  requireOwnLearner(userId, ctx.serverName);
  const trimmed = reason.trim() || DEFAULT_REASON;
  if (trimmed.length > MAX_REASON) {
    throw new BanRefused(`Say why in at most ${MAX_REASON} characters.`);
  }
  return ctx.store.ban(userId, trimmed, ctx.now());
}

/** Lifts a ban; the bridge then clears the rule and publishes the learner again if opted in. */
export async function unbanLearner(
  ctx: { store: PolicyStore; serverName?: string | undefined },
  userId: string,
): Promise<boolean> {
  requireOwnLearner(userId, ctx.serverName);
  return ctx.store.unban(userId);
}

/**
 * Refuses what is not one of our learners' ids (any server's, when ours is not known).
 * @throws BanRefused
 */
export function requireOwnLearner(userId: string, serverName: string | undefined): void {
  if (!isMatrixUserId(userId)) {
    throw new BanRefused(`"${userId}" is not a Matrix user id (@name:server).`);
  }
  if (serverName !== undefined && serverNameOf(userId) !== serverName) {
    throw new BanRefused(
      `An organisation bans only its own learners: ${userId} is not a user of ${serverName}.`,
    );
  }
}

export function listBans(ctx: { store: PolicyStore }): Promise<LearnerBan[]> {
  return ctx.store.bannedUsers();
}

/**
 * Which users of `serverName` are banned: our own bans for our server, the partner's believed
 * rules for theirs. What the directory consults before publishing or keeping an entry.
 */
export function bannedUsersOf(
  store: Pick<PolicyStore, "bannedUsers" | "rulesOf">,
  ownServerName: string,
): (serverName: string) => Promise<(userId: string) => boolean> {
  return async (serverName) => {
    if (serverName === ownServerName) {
      const banned = new Set((await store.bannedUsers()).map((ban) => ban.userId));
      return (userId) => banned.has(userId);
    }
    const rules = await store.rulesOf(serverName);
    if (rules.length === 0) return () => false;
    return banMatcher(serverName, rules);
  };
}

/**
 * Brings our policy room in line with our bans: publishes each new ban as a rule and clears each
 * lifted one (empty content), then brings the learner's directory entry in line (a banned learner
 * is not shown; one whose ban was lifted is shown again if they opted in). Failures are logged
 * and retried next round.
 * @returns how many rules were sent
 */
export async function publishPendingRules(ctx: PolicyContext): Promise<number> {
  const room = await ctx.store.roomOfServer(ctx.serverName);
  if (!room) return 0;
  let sent = 0;
  for (const { userId, ban } of await ctx.store.pendingRules(ctx.serverName, PUBLISH_BATCH)) {
    try {
      const eventId = await ctx.matrix.putState(
        room.roomId,
        USER_RULE_TYPE,
        ruleStateKey(userId),
        ban ? banRuleContent(userId, ban.reason) : {},
      );
      await ctx.store.recordRule(userId, ban?.reason ?? null, eventId);
      sent++;
      ctx.logger.info({ userId, banned: ban !== undefined }, "policy rule published");
    } catch (error) {
      ctx.logger.warn({ err: error, userId }, "publishing a policy rule failed; will retry");
      continue;
    }
    await publishLearner(ctx.directory, userId).catch((error: unknown) => {
      ctx.logger.warn({ err: error, userId }, "updating a banned learner's entry failed");
    });
  }
  return sent;
}

const trustOf = (ctx: PolicyContext): PolicyTrust => ({
  botLocalpart: ctx.botLocalpart,
  partners: new Set(ctx.partners),
});

const refresh = (ctx: PolicyContext, serverName: string) =>
  ctx.refreshEntries ? ctx.refreshEntries(serverName) : refreshEntriesNow(ctx, serverName);

/** Reads the partner's directory room again (its entries then follow the current rules). */
export async function refreshEntriesNow(ctx: PolicyContext, serverName: string): Promise<void> {
  const room = await ctx.directory.store.roomOfServer(serverName);
  if (room) await rebuildPartner(ctx.directory, serverName, room.roomId);
}

/** Takes the users a new rule bans out of the partner's entries at once. */
async function applyNewRule(ctx: PolicyContext, rule: UserRule) {
  if (/[*?]/.test(rule.entity)) await refresh(ctx, rule.serverName);
  else await ctx.directory.store.removeEntry(rule.entity);
}

/**
 * Reads a partner's whole policy room and replaces the rules we hold of it (start-up, first
 * join). A room that is not `serverName`'s policy room is left.
 * @returns how many rules were believed, or undefined when the room was not a policy room
 */
export async function rebuildPartnerRules(
  ctx: PolicyContext,
  serverName: string,
  roomId: string,
): Promise<number | undefined> {
  const state = await ctx.matrix.roomState(roomId);
  if (!isPolicyRoomOf(ctx, state, serverName)) {
    ctx.logger.warn({ roomId, serverName }, "not a policy room; leaving it");
    await ctx.matrix.leave(roomId).catch(() => {});
    return undefined;
  }
  const trust = trustOf(ctx);
  const rules: UserRule[] = [];
  for (const [i, event] of state.entries()) {
    // A partner's room may hold many rules: let other work in between.
    if (i % READ_BATCH === READ_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    if (event.type !== USER_RULE_TYPE) continue;
    const reading = readUserRule({ ...event, roomOwner: serverName }, trust);
    if (reading.kind === "rule") rules.push(reading.rule);
    else if (reading.kind === "ignored") ctx.onIgnored(reading.reason);
  }
  const before = await ctx.store.rulesOf(serverName);
  await ctx.store.saveRoom({ serverName, roomId });
  await ctx.store.replaceRules(serverName, rules);
  const same =
    before.length === rules.length &&
    JSON.stringify(before.map((rule) => rule.entity).sort()) ===
      JSON.stringify(rules.map((rule) => rule.entity).sort());
  // Entries read while we did not know these rules (a restart reads both rooms afresh).
  if (!same || rules.length > 0) await refresh(ctx, serverName);
  ctx.logger.info({ serverName, roomId, rules: rules.length }, "partner policy list read");
  return rules.length;
}

function isPolicyRoomOf(
  ctx: PolicyContext,
  state: readonly DirectoryStateEvent[],
  serverName: string,
): boolean {
  const create = state.find((event) => event.type === "m.room.create" && event.stateKey === "");
  return create?.content.type === POLICY_ROOM_TYPE && create.sender === botOf(ctx, serverName);
}

/** One `m.policy.rule.user` event from a transaction, under the trust rule. */
export async function applyRuleEvent(
  ctx: PolicyContext,
  event: { roomId: string; sender: string; stateKey: string; content: Record<string, unknown> },
): Promise<void> {
  const room = await ctx.store.roomById(event.roomId);
  const reading = readUserRule(
    {
      sender: event.sender,
      stateKey: event.stateKey,
      content: event.content,
      roomOwner: room && room.serverName !== ctx.serverName ? room.serverName : undefined,
    },
    trustOf(ctx),
  );
  switch (reading.kind) {
    case "rule": {
      const { serverName, stateKey, entity } = reading.rule;
      const before = (await ctx.store.rulesOf(serverName)).find((r) => r.stateKey === stateKey);
      await ctx.store.putRule(reading.rule);
      // The key banned someone else before: they may be allowed back.
      if (before && before.entity !== entity) await refresh(ctx, serverName);
      else await applyNewRule(ctx, reading.rule);
      ctx.logger.info({ serverName }, "partner ban rule applied");
      return;
    }
    case "removed":
      if (await ctx.store.removeRule(reading.serverName, reading.stateKey)) {
        await refresh(ctx, reading.serverName);
        ctx.logger.info({ serverName: reading.serverName }, "partner ban rule lifted");
      }
      return;
    case "ignored":
      ctx.onIgnored(reading.reason);
      ctx.logger.info(
        { roomId: event.roomId, sender: event.sender, reason: reading.reason },
        "policy rule ignored",
      );
      if (
        reading.replaces &&
        (await ctx.store.removeRule(reading.replaces.serverName, reading.replaces.stateKey))
      ) {
        await refresh(ctx, reading.replaces.serverName);
      }
  }
}

/**
 * Whether an invite from another server's bot is for its policy room (rather than its
 * directory): the room its `#xstream_policy` alias names, or one whose invite says so.
 */
export async function isPolicyInvite(
  ctx: PolicyContext,
  inviter: string,
  roomId: string,
  strippedCreateType: unknown,
): Promise<boolean> {
  if (strippedCreateType === POLICY_ROOM_TYPE) return true;
  // The invite named its room's type, and it is another (a directory room): no need to ask.
  if (typeof strippedCreateType === "string") return false;
  const serverName = serverNameOf(inviter);
  if (!isMatrixUserId(inviter) || inviter !== botOf(ctx, serverName)) return false;
  return (await ctx.matrix.resolvePolicyRoom(serverName).catch(() => undefined)) === roomId;
}

/**
 * A partner's bot invited ours into its policy room: join and read it if we list that server
 * (and make sure its bot is invited to ours: it lists us, so the pairing can be completed now
 * rather than at the next retry); otherwise decline.
 */
export async function invitedToPolicyRoom(
  ctx: PolicyContext,
  inviter: string,
  roomId: string,
  backoff?: PairingBackoff,
): Promise<void> {
  const serverName = serverNameOf(inviter);
  if (!isMatrixUserId(inviter) || inviter !== botOf(ctx, serverName)) return;
  if (!ctx.partners.includes(serverName)) {
    ctx.logger.info({ serverName }, "policy invite from a server we do not list; declined");
    await ctx.matrix.leave(roomId).catch(() => {});
    return;
  }
  backoff?.resetServer(serverName);
  if (await joinUnlessJoined(ctx.matrix, roomId, serverName, botOf(ctx, ctx.serverName))) {
    await rebuildPartnerRules(ctx, serverName, roomId);
  }
  const own = await ctx.store.roomOfServer(ctx.serverName);
  if (!own) return;
  await inviteUnlessPresent(ctx.matrix, own.roomId, inviter).catch((error: unknown) => {
    ctx.logger.warn({ err: error, serverName }, "inviting a partner's bot failed; will retry");
  });
}

/** Our bot left or was removed from a partner's policy room: its rules no longer count. */
export async function leftPolicyRoom(ctx: PolicyContext, roomId: string): Promise<void> {
  const room = await ctx.store.roomById(roomId);
  if (!room || room.serverName === ctx.serverName) return;
  const removed = await ctx.store.forgetServer(room.serverName);
  if (removed > 0) await refresh(ctx, room.serverName);
  ctx.logger.info({ serverName: room.serverName, removed }, "removed from a partner policy list");
}

async function ensureOwnRoom(ctx: PolicyContext): Promise<string> {
  const stored = await ctx.store.roomOfServer(ctx.serverName);
  if (stored) return stored.roomId;
  const roomId =
    (await ctx.matrix.resolvePolicyRoom(ctx.serverName)) ??
    (await ctx.matrix.createPolicyRoom({
      name: `${ctx.organisationName} · bans`,
      allowServers: aclHosts([ctx.serverName, ...ctx.partners]),
      invite: ctx.partners.map((server) => botOf(ctx, server)),
    }));
  await ctx.store.saveRoom({ serverName: ctx.serverName, roomId });
  ctx.logger.info({ roomId }, "policy room ready");
  return roomId;
}

const sameServers = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");

/**
 * Brings the policy rooms in line with PARTNER_ORGANISATIONS, like `syncDirectory`: our room's
 * ACL and invited bots (a bot that left or declined is asked again on `backoff`'s schedule), the
 * partners' rooms we read.
 * @returns whether some partner's side is still incomplete (worth an early next round)
 */
export async function syncPolicyRooms(
  ctx: PolicyContext,
  { rebuild = false, backoff }: { rebuild?: boolean; backoff?: PairingBackoff } = {},
): Promise<{ pending: boolean }> {
  let pending = false;
  for (const room of await ctx.store.rooms()) {
    if (room.serverName === ctx.serverName || ctx.partners.includes(room.serverName)) continue;
    const removed = await ctx.store.forgetServer(room.serverName);
    await ctx.matrix.leave(room.roomId).catch(() => {});
    ctx.logger.info(
      { serverName: room.serverName, removed },
      "policy list of a former partner left",
    );
  }
  if (ctx.partners.length === 0 && !(await ctx.store.roomOfServer(ctx.serverName))) {
    return { pending };
  }
  let ownRoom: string;
  try {
    ownRoom = await ensureOwnRoom(ctx);
  } catch (error) {
    ctx.logger.warn({ err: error }, "creating the policy room failed; will retry");
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
      }
    }
    for (const server of ctx.partners) {
      const key = `invite ${server}`;
      const membership = members.get(botOf(ctx, server));
      if (membership === "join") backoff?.reset(key);
      if (membership === "join" || membership === "invite") continue;
      pending = true;
      if (backoff && !backoff.due(key)) continue;
      backoff?.tried(key);
      await ctx.matrix.invite(ownRoom, botOf(ctx, server)).catch((error: unknown) => {
        ctx.logger.warn({ err: error, server }, "inviting a partner's bot failed; will retry");
      });
    }
  } catch (error) {
    ctx.logger.warn({ err: error }, "updating the policy room failed; will retry");
    pending = true;
  }

  const joining = await joinPartnerRooms({
    partners: ctx.partners,
    rebuild,
    backoff,
    knownRoom: async (server) => (await ctx.store.roomOfServer(server))?.roomId,
    resolveRoom: (server) => ctx.matrix.resolvePolicyRoom(server),
    join: (roomId, server) =>
      joinUnlessJoined(ctx.matrix, roomId, server, botOf(ctx, ctx.serverName)),
    read: (server, roomId) => rebuildPartnerRules(ctx, server, roomId),
    onError: (error, server) =>
      ctx.logger.warn({ err: error, server }, "reading a partner's policy list failed; will retry"),
  });
  pending ||= joining;
  return { pending };
}
