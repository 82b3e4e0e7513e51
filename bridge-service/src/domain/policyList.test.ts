import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import type {
  DirectoryRoom,
  DirectoryStore,
  Publication,
  StoredEntry,
} from "../store/directoryStore.js";
import type { LearnerBan, PolicyRoom, PolicyStore } from "../store/policyStore.js";
import type { DirectoryContext, DirectoryMatrix, DirectoryStateEvent } from "./directory.js";
import { applyLearnerEvent, publishLearner, setPartnerVisibility } from "./directory.js";
import { LEARNER_EVENT_TYPE, learnerEntryContent } from "./directoryEntries.js";
import { offeredExchanges } from "./matching.js";
import { PairingBackoff } from "./pairingBackoff.js";
import {
  applyRuleEvent,
  BanRefused,
  banLearner,
  bannedUsersOf,
  invitedToPolicyRoom,
  type PolicyContext,
  type PolicyMatrix,
  publishPendingRules,
  rebuildPartnerRules,
  syncPolicyRooms,
  unbanLearner,
} from "./policyList.js";
import { POLICY_ROOM_TYPE, USER_RULE_TYPE, type UserRule } from "./policyRules.js";
import type { Profile } from "./profiles.js";

const A = "a.example";
const B = "b.example";
const now = new Date("2025-01-15T12:00:00Z");
const botA = `@xstream:${A}`;
const botB = `@xstream:${B}`;

function profile(userId: string, displayName: string): Profile {
  return {
    userId,
    displayName,
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: [],
    timezone: "Europe/Madrid",
    availability: [],
    bio: "",
    discoverable: true,
    createdAt: now,
    updatedAt: now,
  };
}

/** Both stores in memory: just what the policy list and the directory decide with. */
function memoryStores() {
  const bans = new Map<string, LearnerBan>();
  const published = new Map<string, string | null>();
  const policyRooms = new Map<string, PolicyRoom>();
  const rules = new Map<string, UserRule>();
  const policy: PolicyStore = {
    async ban(userId, reason, at) {
      if (bans.get(userId)?.reason === reason) return false;
      bans.set(userId, { userId, reason, bannedAt: at });
      return true;
    },
    async unban(userId) {
      return bans.delete(userId);
    },
    async bannedUsers() {
      return [...bans.values()];
    },
    async pendingRules(serverName) {
      const pending = [...bans.values()]
        .filter((ban) => ban.userId.endsWith(`:${serverName}`))
        .filter((ban) => published.get(ban.userId) !== ban.reason)
        .map((ban) => ({ userId: ban.userId, ban }));
      for (const [userId, reason] of published) {
        if (reason !== null && !bans.has(userId)) pending.push({ userId, ban: undefined as never });
      }
      return pending;
    },
    async recordRule(userId, reason) {
      published.set(userId, reason);
    },
    async roomOfServer(serverName) {
      return policyRooms.get(serverName);
    },
    async roomById(roomId) {
      return [...policyRooms.values()].find((room) => room.roomId === roomId);
    },
    async rooms() {
      return [...policyRooms.values()];
    },
    async saveRoom(room) {
      policyRooms.set(room.serverName, room);
    },
    async forgetServer(serverName) {
      policyRooms.delete(serverName);
      let removed = 0;
      for (const [key, rule] of rules) {
        if (rule.serverName === serverName && rules.delete(key)) removed++;
      }
      return removed;
    },
    async rulesOf(serverName) {
      return [...rules.values()].filter((rule) => rule.serverName === serverName);
    },
    async putRule(rule) {
      rules.set(`${rule.serverName} ${rule.stateKey}`, rule);
    },
    async removeRule(serverName, stateKey) {
      return rules.delete(`${serverName} ${stateKey}`);
    },
    async replaceRules(serverName, list) {
      for (const [key, rule] of rules) if (rule.serverName === serverName) rules.delete(key);
      for (const rule of list) await policy.putRule(rule);
    },
  };

  const optIns = new Set<string>();
  const publications = new Map<string, Publication>();
  const directoryRooms = new Map<string, DirectoryRoom>();
  const entries = new Map<string, StoredEntry>();
  const directory: DirectoryStore = {
    isOptedIn: async (userId) => optIns.has(userId),
    async setOptedIn(userId, optedIn) {
      if (optedIn) optIns.add(userId);
      else optIns.delete(userId);
    },
    usersToReconcile: async () => [...optIns],
    publicationOf: async (userId) => publications.get(userId),
    async recordPublication(userId, content, eventId) {
      const before = publications.get(userId)?.eventIds ?? [];
      publications.set(userId, { content, eventIds: [...before, eventId] });
    },
    async forgetEvents(userId, keep) {
      const found = publications.get(userId);
      if (found) found.eventIds = found.eventIds.filter((id) => keep.includes(id));
    },
    roomOfServer: async (serverName) => directoryRooms.get(serverName),
    roomById: async (roomId) => [...directoryRooms.values()].find((r) => r.roomId === roomId),
    rooms: async () => [...directoryRooms.values()],
    async saveRoom(room) {
      directoryRooms.set(room.serverName, room);
    },
    async forgetServer() {
      return 0;
    },
    async replaceEntries(serverName, list) {
      for (const entry of [...entries.values()]) {
        if (entry.serverName === serverName) entries.delete(entry.userId);
      }
      for (const entry of list) entries.set(entry.userId, entry);
    },
    async upsertEntry(entry) {
      entries.set(entry.userId, entry);
      return true;
    },
    async removeEntry(userId) {
      entries.delete(userId);
    },
    findCandidates: async () => [],
    countEntries: async () => entries.size,
  };
  return { policy, directory, bans, rules, policyRooms, optIns, entries, directoryRooms };
}

/** Both rooms' Matrix calls, recorded; `rooms` holds each room's state as the fake serves it. */
function recordingMatrix() {
  const calls: string[] = [];
  const rooms = new Map<string, DirectoryStateEvent[]>();
  const members = new Map<string, Map<string, string>>();
  const joinable = new Set<string>();
  let events = 0;
  const membersOf = (roomId: string) => {
    const found = members.get(roomId) ?? new Map<string, string>();
    members.set(roomId, found);
    return found;
  };
  const putState = async (
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ) => {
    const state = (rooms.get(roomId) ?? []).filter(
      (event) => !(event.type === type && event.stateKey === stateKey),
    );
    state.push({ type, stateKey, sender: botA, content });
    rooms.set(roomId, state);
    calls.push(`put ${roomId} ${type} ${stateKey} ${JSON.stringify(content)}`);
    return `$event${++events}`;
  };
  const common = {
    serverAcl: async () => undefined,
    async setServerAcl(roomId: string, allow: readonly string[]) {
      calls.push(`acl ${roomId} ${allow.join(",")}`);
    },
    memberships: async (roomId: string) => new Map(membersOf(roomId)),
    async invite(roomId: string, userId: string) {
      membersOf(roomId).set(userId, "invite");
      calls.push(`invite ${roomId} ${userId}`);
    },
    async kick(roomId: string, userId: string) {
      membersOf(roomId).set(userId, "leave");
      calls.push(`kick ${roomId} ${userId}`);
    },
    async join(roomId: string) {
      calls.push(`join ${roomId}`);
      return joinable.has(roomId);
    },
    async leave(roomId: string) {
      calls.push(`leave ${roomId}`);
    },
    roomState: async (roomId: string) => rooms.get(roomId) ?? [],
    putState,
  };
  const policy: PolicyMatrix = {
    ...common,
    async createPolicyRoom({ invite }) {
      for (const userId of invite) membersOf(`!policy:${A}`).set(userId, "invite");
      calls.push(`create policy ${invite.join(",")}`);
      return `!policy:${A}`;
    },
    resolvePolicyRoom: async (serverName) => (serverName === B ? `!policy:${B}` : undefined),
  };
  const directory: DirectoryMatrix = {
    ...common,
    createDirectoryRoom: async () => `!directory:${A}`,
    resolveDirectory: async () => undefined,
    async redact(_roomId, eventId) {
      calls.push(`redact ${eventId}`);
    },
  };
  return { policy, directory, calls, rooms, members: membersOf, joinable };
}

function context(profiles: Profile[] = []) {
  const stores = memoryStores();
  const matrix = recordingMatrix();
  const ignored: string[] = [];
  const directory: DirectoryContext = {
    store: stores.directory,
    profiles: { get: async (userId) => profiles.find((p) => p.userId === userId) },
    matrix: matrix.directory,
    serverName: A,
    botLocalpart: "xstream",
    partners: [B],
    organisationName: "Escuela A",
    onIgnored: (reason) => ignored.push(`entry ${reason}`),
    bannedUsersOf: bannedUsersOf(stores.policy, A),
    now: () => now,
    logger: createLogger("silent"),
  };
  const ctx: PolicyContext = {
    store: stores.policy,
    matrix: matrix.policy,
    directory,
    serverName: A,
    botLocalpart: "xstream",
    partners: [B],
    organisationName: "Escuela A",
    onIgnored: (reason) => ignored.push(reason),
    now: () => now,
    logger: createLogger("silent"),
  };
  return { ctx, stores, matrix, ignored };
}

/** B's directory room holding entries for these learners of B, as B's bot published them. */
async function partnerDirectory(setup: ReturnType<typeof context>, learners: string[]) {
  const roomId = `!directory:${B}`;
  await setup.stores.directory.saveRoom({ serverName: B, roomId, organisationName: "School B" });
  const state: DirectoryStateEvent[] = [
    {
      type: "m.room.create",
      stateKey: "",
      sender: botB,
      content: { type: "org.xstream.directory" },
    },
  ];
  for (const userId of learners) {
    const content = learnerEntryContent(profile(userId, userId.slice(1, userId.indexOf(":"))));
    state.push({
      type: LEARNER_EVENT_TYPE,
      stateKey: `learner:${userId}`,
      sender: botB,
      content: content as unknown as Record<string, unknown>,
    });
    const entry = {
      userId,
      serverName: B,
      displayName: content.display_name,
      native: content.native,
      learning: content.learning,
      interests: content.interests,
      timezone: content.timezone,
      availability: content.availability,
      updatedAt: now,
    };
    setup.stores.entries.set(userId, { ...entry, exchangeKeys: offeredExchanges(entry) });
  }
  setup.matrix.rooms.set(roomId, state);
  return roomId;
}

const rule = (entity: string, reason = "spam") => ({
  entity,
  recommendation: "m.ban",
  reason,
});

describe("our bans", () => {
  const ana = `@ana:${A}`;

  it("publish an m.policy.rule.user ban and clear the learner's entry; lifting brings both back", async () => {
    const setup = context([profile(ana, "Ana")]);
    const { ctx, stores, matrix } = setup;
    await stores.directory.saveRoom({
      serverName: A,
      roomId: `!directory:${A}`,
      organisationName: "A",
    });
    await stores.policy.saveRoom({ serverName: A, roomId: `!policy:${A}` });
    await setPartnerVisibility(ctx.directory, ana, true);
    expect(matrix.calls.at(-1)).toContain(
      `put !directory:${A} ${LEARNER_EVENT_TYPE} learner:${ana} {"display_name"`,
    );

    expect(await banLearner(ctx, ana, "  harassment  ")).toBe(true);
    matrix.calls.length = 0;
    expect(await publishPendingRules(ctx)).toBe(1);
    expect(matrix.calls[0]).toBe(
      `put !policy:${A} ${USER_RULE_TYPE} rule:${ana} ${JSON.stringify(rule(ana, "harassment"))}`,
    );
    expect(matrix.calls[1]).toBe(`put !directory:${A} ${LEARNER_EVENT_TYPE} learner:${ana} {}`);
    // Nothing more to do until the ban changes; re-publishing the profile keeps them hidden.
    expect(await publishPendingRules(ctx)).toBe(0);
    expect(await publishLearner(ctx.directory, ana)).toBe(false);

    expect(await unbanLearner(ctx, ana)).toBe(true);
    matrix.calls.length = 0;
    expect(await publishPendingRules(ctx)).toBe(1);
    expect(matrix.calls[0]).toBe(`put !policy:${A} ${USER_RULE_TYPE} rule:${ana} {}`);
    expect(matrix.calls[1]).toContain(`learner:${ana} {"display_name":"Ana"`);
  });

  it("are refused for another server's users or a reason beyond the limit", async () => {
    const { ctx } = context();
    await expect(banLearner(ctx, `@bob:${B}`, "")).rejects.toBeInstanceOf(BanRefused);
    await expect(banLearner(ctx, "bob", "")).rejects.toBeInstanceOf(BanRefused);
    await expect(banLearner(ctx, ana, "x".repeat(501))).rejects.toBeInstanceOf(BanRefused);
    expect(await banLearner(ctx, ana, "")).toBe(true);
    expect(await banLearner(ctx, ana, "")).toBe(false);
  });
});

describe("a partner's rules", () => {
  const bob = `@bob:${B}`;
  const spammer = `@spam1:${B}`;

  async function paired() {
    const setup = context();
    await setup.stores.policy.saveRoom({ serverName: B, roomId: `!policy:${B}` });
    await partnerDirectory(setup, [bob, spammer]);
    return setup;
  }
  const fromB = (content: Record<string, unknown>, stateKey = "rule:1", sender = botB) => ({
    roomId: `!policy:${B}`,
    sender,
    stateKey,
    content,
  });

  it("take a banned learner out of the directory at once, keep a replayed entry out, and let them back when lifted", async () => {
    const { ctx, stores } = await paired();
    await applyRuleEvent(ctx, fromB(rule(bob)));
    expect([...stores.entries.keys()]).toEqual([spammer]);
    // Their own organisation's entry for them no longer counts.
    await applyLearnerEvent(ctx.directory, {
      roomId: `!directory:${B}`,
      sender: botB,
      stateKey: `learner:${bob}`,
      content: learnerEntryContent(profile(bob, "bob")) as unknown as Record<string, unknown>,
    });
    expect(stores.entries.has(bob)).toBe(false);
    await applyRuleEvent(ctx, fromB({}));
    expect([...stores.entries.keys()].sort()).toEqual([bob, spammer].sort());
  });

  it("let the learner a rule named back when its key now names someone else", async () => {
    const { ctx, stores } = await paired();
    await applyRuleEvent(ctx, fromB(rule(bob)));
    expect([...stores.entries.keys()]).toEqual([spammer]);
    await applyRuleEvent(ctx, fromB(rule(spammer)));
    expect([...stores.entries.keys()]).toEqual([bob]);
  });

  it("apply patterns to the partner's own users only", async () => {
    const { ctx, stores } = await paired();
    await applyRuleEvent(ctx, fromB(rule(`@spam*:${B}`), "rule:glob"));
    expect([...stores.entries.keys()]).toEqual([bob]);
    expect(await stores.policy.rulesOf(B)).toHaveLength(1);
  });

  it("ignore and count forged rules: another sender, or B's bot banning A's users", async () => {
    const { ctx, stores, ignored } = await paired();
    await applyRuleEvent(ctx, fromB(rule(bob), "rule:forged", `@mallory:${B}`));
    await applyRuleEvent(ctx, fromB(rule(`@ana:${A}`), "rule:other"));
    await applyRuleEvent(ctx, fromB(rule("@*:*"), "rule:everyone"));
    await applyRuleEvent(ctx, { ...fromB(rule(bob)), roomId: "!elsewhere:c.example" });
    expect(ignored).toEqual(["forged_sender", "other_server", "other_server", "wrong_room"]);
    expect(stores.entries.size).toBe(2);
    expect(await stores.policy.rulesOf(B)).toEqual([]);
  });

  it("are read again from room state (a restart): only the believed ones, applied to the entries", async () => {
    const setup = await paired();
    const { ctx, stores, matrix, ignored } = setup;
    matrix.rooms.set(`!policy:${B}`, [
      { type: "m.room.create", stateKey: "", sender: botB, content: { type: POLICY_ROOM_TYPE } },
      { type: USER_RULE_TYPE, stateKey: "rule:bob", sender: botB, content: rule(bob) },
      { type: USER_RULE_TYPE, stateKey: "rule:lifted", sender: botB, content: {} },
      { type: USER_RULE_TYPE, stateKey: "rule:ana", sender: botB, content: rule(`@ana:${A}`) },
      {
        type: USER_RULE_TYPE,
        stateKey: "rule:nested",
        sender: botB,
        content: { entity: { a: [[[bob]]] }, recommendation: "m.ban" },
      },
    ]);
    expect(await rebuildPartnerRules(ctx, B, `!policy:${B}`)).toBe(1);
    expect((await stores.policy.rulesOf(B)).map((r) => r.entity)).toEqual([bob]);
    expect(ignored).toEqual(["other_server", "malformed"]);
    expect([...stores.entries.keys()]).toEqual([spammer]);
  });

  it("are read from a room of 20,000 heavy or hostile rules within a time bound, yielding to other work", async () => {
    const { ctx, matrix, stores, ignored } = await paired();
    const state: DirectoryStateEvent[] = [
      { type: "m.room.create", stateKey: "", sender: botB, content: { type: POLICY_ROOM_TYPE } },
    ];
    for (let i = 0; i < 20_000; i++) {
      const content =
        i % 4 === 0
          ? rule(`@${"?*".repeat(40)}x${i}:${B}`)
          : i % 4 === 1
            ? { entity: [[[[{ deep: `@u${i}:${B}` }]]]], recommendation: "m.ban" }
            : i % 4 === 2
              ? rule(`@u${i}:${A}`)
              : rule(`@u${i}:${B}`, "r".repeat(10_000));
      state.push({ type: USER_RULE_TYPE, stateKey: `rule:${i}`, sender: botB, content });
    }
    matrix.rooms.set(`!policy:${B}`, state);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const started = performance.now();
    await rebuildPartnerRules(ctx, B, `!policy:${B}`);
    clearInterval(ticker);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(ticks).toBeGreaterThan(0);
    // The patterns are heavy but valid, and match nobody here; everything else is refused.
    expect(ignored).toHaveLength(15_000);
    expect(await stores.policy.rulesOf(B)).toHaveLength(5_000);
    expect(stores.entries.size).toBe(2);
  });

  it("are not read from a room that is not the partner's policy room", async () => {
    const { ctx, matrix } = await paired();
    matrix.rooms.set("!fake:b.example", [
      {
        type: "m.room.create",
        stateKey: "",
        sender: `@mallory:${B}`,
        content: { type: POLICY_ROOM_TYPE },
      },
    ]);
    expect(await rebuildPartnerRules(ctx, B, "!fake:b.example")).toBeUndefined();
    expect(matrix.calls).toContain("leave !fake:b.example");
  });
});

describe("pairing of the policy rooms", () => {
  it("creates our room inviting partners' bots, and asks a bot that declined again on a short, growing schedule", async () => {
    const { ctx, matrix } = context();
    let clock = 0;
    const backoff = new PairingBackoff(() => clock, 2_000, 300_000, 2);
    expect(await syncPolicyRooms(ctx, { backoff })).toEqual({ pending: true });
    expect(matrix.calls).toContain(`create policy ${botB}`);
    matrix.members(`!policy:${A}`).set(botB, "leave");
    matrix.calls.length = 0;
    const invitesAt: number[] = [];
    for (clock = 0; clock <= 20_000; clock += 500) {
      await syncPolicyRooms(ctx, { backoff });
      if (matrix.calls.some((call) => call.startsWith("invite"))) invitesAt.push(clock);
      matrix.calls.length = 0;
      matrix.members(`!policy:${A}`).set(botB, "leave");
    }
    // Within seconds, then backing off: 0, 2, 6, 14 s.
    expect(invitesAt).toEqual([0, 2_000, 6_000, 14_000]);
  });

  it("joins a listed partner's room when invited and invites its bot back at once; declines others", async () => {
    const { ctx, matrix, stores } = context();
    await syncPolicyRooms(ctx);
    matrix.members(`!policy:${A}`).set(botB, "leave");
    matrix.joinable.add(`!policy:${B}`);
    matrix.rooms.set(`!policy:${B}`, [
      { type: "m.room.create", stateKey: "", sender: botB, content: { type: POLICY_ROOM_TYPE } },
    ]);
    matrix.calls.length = 0;
    await invitedToPolicyRoom(ctx, botB, `!policy:${B}`);
    expect(matrix.calls).toEqual([`join !policy:${B}`, `invite !policy:${A} ${botB}`]);
    expect(await stores.policy.roomOfServer(B)).toEqual({ serverName: B, roomId: `!policy:${B}` });
    matrix.calls.length = 0;
    await invitedToPolicyRoom(ctx, "@xstream:c.example", "!policy:c.example");
    expect(matrix.calls).toEqual(["leave !policy:c.example"]);
  });
});
