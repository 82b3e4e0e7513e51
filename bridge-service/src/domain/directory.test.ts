import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import type {
  DirectoryRoom,
  DirectoryStore,
  EntryMatch,
  Publication,
  StoredEntry,
} from "../store/directoryStore.js";
import {
  aclHosts,
  type DirectoryContext,
  type DirectoryMatrix,
  type DirectoryStateEvent,
  invitedByBot,
  publishLearner,
  rereadPartners,
  setPartnerVisibility,
  syncDirectory,
} from "./directory.js";
import {
  DIRECTORY_ROOM_TYPE,
  LEARNER_EVENT_TYPE,
  learnerEntryContent,
  learnerStateKey,
} from "./directoryEntries.js";
import { PairingBackoff } from "./pairingBackoff.js";
import type { Profile } from "./profiles.js";

const A = "a.example";
const B = "b.example";
const C = "c.example";
const now = new Date("2025-01-15T12:00:00Z");

/** The directory's store, in memory: just enough for the domain's decisions. */
function memoryStore() {
  const optIns = new Set<string>();
  const publications = new Map<string, Publication>();
  const rooms = new Map<string, DirectoryRoom>();
  const entries = new Map<string, StoredEntry>();
  const store: DirectoryStore = {
    async isOptedIn(userId) {
      return optIns.has(userId);
    },
    async setOptedIn(userId, optedIn) {
      if (optedIn) optIns.add(userId);
      else optIns.delete(userId);
    },
    async usersToReconcile() {
      return [...new Set([...optIns, ...publications.keys()])];
    },
    async publicationOf(userId) {
      return publications.get(userId);
    },
    async recordPublication(userId, content, eventId) {
      const before = publications.get(userId)?.eventIds ?? [];
      publications.set(userId, { content, eventIds: [...before, eventId] });
    },
    async forgetEvents(userId, keep) {
      const found = publications.get(userId);
      if (found) found.eventIds = found.eventIds.filter((id) => keep.includes(id));
    },
    async roomOfServer(serverName) {
      return rooms.get(serverName);
    },
    async roomById(roomId) {
      return [...rooms.values()].find((room) => room.roomId === roomId);
    },
    async rooms() {
      return [...rooms.values()];
    },
    async saveRoom(room) {
      rooms.set(room.serverName, room);
    },
    async forgetServer(serverName) {
      rooms.delete(serverName);
      const gone = [...entries.values()].filter((entry) => entry.serverName === serverName);
      for (const entry of gone) entries.delete(entry.userId);
      return gone.length;
    },
    async replaceEntries(serverName, list) {
      await store.forgetServer(serverName);
      for (const entry of list) entries.set(entry.userId, entry);
    },
    async upsertEntry(entry) {
      entries.set(entry.userId, entry);
      return true;
    },
    async removeEntry(userId) {
      entries.delete(userId);
    },
    async findCandidates(): Promise<EntryMatch[]> {
      return [];
    },
    async countEntries(serverName) {
      return [...entries.values()].filter((entry) => entry.serverName === serverName).length;
    },
  };
  return { store, rooms, entries, publications };
}

/** Matrix as the bot sees it, recorded. */
function recordingMatrix(members = new Map<string, string>()) {
  const calls: string[] = [];
  const state: { stateKey: string; content: Record<string, unknown>; eventId: string }[] = [];
  let acl: string[] | undefined;
  let events = 0;
  const matrix: DirectoryMatrix = {
    async createDirectoryRoom({ allowServers, invite }) {
      acl = [...allowServers];
      for (const userId of invite) members.set(userId, "invite");
      calls.push(`create ${invite.join(",")}`);
      return `!directory:${A}`;
    },
    async resolveDirectory() {
      return undefined;
    },
    async serverAcl() {
      return acl;
    },
    async setServerAcl(_roomId, allow) {
      acl = [...allow];
      calls.push(`acl ${allow.join(",")}`);
    },
    async memberships() {
      return new Map(members);
    },
    async invite(_roomId, userId) {
      members.set(userId, "invite");
      calls.push(`invite ${userId}`);
    },
    async kick(_roomId, userId) {
      members.set(userId, "leave");
      calls.push(`kick ${userId}`);
    },
    async join() {
      return false;
    },
    async leave(roomId) {
      calls.push(`leave ${roomId}`);
    },
    async roomState(): Promise<DirectoryStateEvent[]> {
      return [];
    },
    async putState(roomId, type, stateKey, content) {
      if (type === "m.room.history_visibility") {
        calls.push(`history ${roomId} ${String(content.history_visibility)}`);
        return "$history";
      }
      const eventId = `$event${++events}`;
      state.push({ stateKey, content, eventId });
      return eventId;
    },
    async redact(_roomId, eventId) {
      calls.push(`redact ${eventId}`);
    },
  };
  return { matrix, calls, state, members, acl: () => acl };
}

function profile(userId: string, fields: Partial<Profile> = {}): Profile {
  return {
    userId,
    displayName: "Ana",
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: [],
    timezone: "Europe/Madrid",
    availability: [],
    bio: "private",
    discoverable: true,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

function context(partners: string[], profiles: Profile[] = []) {
  const memory = memoryStore();
  const recorded = recordingMatrix();
  const ctx: DirectoryContext = {
    store: memory.store,
    profiles: { get: async (userId) => profiles.find((p) => p.userId === userId) },
    matrix: recorded.matrix,
    serverName: A,
    botLocalpart: "xstream",
    partners,
    organisationName: "Escuela A",
    onIgnored: () => {},
    joinRetryDelaysMs: [],
    now: () => now,
    logger: createLogger("silent"),
  };
  return { ctx, memory, recorded };
}

describe("aclHosts", () => {
  it("lists each server with and without its port, once", () => {
    expect(aclHosts(["a.example", "localhost:8448", "localhost:8548", "[::1]:8448"])).toEqual([
      "a.example",
      "localhost:8448",
      "localhost",
      "localhost:8548",
      "[::1]:8448",
      "[::1]",
    ]);
  });
});

describe("syncDirectory", () => {
  it("creates the room for us and the partners, inviting only the partners' bots", async () => {
    const { ctx, recorded } = context([B]);
    await syncDirectory(ctx);
    // Partners' bots read from their invite on (domain/botRoomHistory.ts), once per room.
    expect(recorded.calls).toEqual([`create @xstream:${B}`, `history !directory:${A} invited`]);
    expect(recorded.acl()).toEqual([A, B]);
    await syncDirectory(ctx);
    expect(recorded.calls.filter((call) => call.startsWith("history"))).toHaveLength(1);
  });

  it("removes the bot of a server no longer listed, and forgets what it had published", async () => {
    const { ctx, memory, recorded } = context([B]);
    await syncDirectory(ctx);
    recorded.members.set(`@xstream:${B}`, "join");
    recorded.members.set(`@xstream:${C}`, "join");
    await memory.store.saveRoom({ serverName: C, roomId: `!c:${C}`, organisationName: "C" });
    await syncDirectory(ctx);
    expect(recorded.calls).toContain(`kick @xstream:${C}`);
    expect(recorded.calls).toContain(`leave !c:${C}`);
    expect(memory.rooms.has(C)).toBe(false);
    expect(recorded.calls).not.toContain(`kick @xstream:${B}`);
  });

  it("asks a bot that declined again only when told to", async () => {
    const { ctx, recorded } = context([B]);
    await syncDirectory(ctx);
    recorded.members.set(`@xstream:${B}`, "leave");
    recorded.calls.length = 0;
    await syncDirectory(ctx, { reinvite: false });
    expect(recorded.calls).toEqual([]);
    await syncDirectory(ctx, { reinvite: true });
    expect(recorded.calls).toEqual([`invite @xstream:${B}`]);
  });
});

describe("publishLearner", () => {
  const ana = `@ana:${A}`;

  it("publishes nothing for a learner who did not opt in, and only matching fields for one who did", async () => {
    const { ctx, recorded } = context([B], [profile(ana)]);
    await syncDirectory(ctx);
    expect(await publishLearner(ctx, ana)).toBe(false);
    expect(recorded.state).toEqual([]);
    await setPartnerVisibility(ctx, ana, true);
    expect(recorded.state).toHaveLength(1);
    expect(recorded.state[0]?.stateKey).toBe(`learner:${ana}`);
    expect(JSON.stringify(recorded.state[0]?.content)).not.toContain("private");
    // Unchanged: nothing is sent again.
    expect(await publishLearner(ctx, ana)).toBe(false);
  });

  it("clears the entry with empty content and redacts every earlier version on opt-out", async () => {
    const learner = profile(ana);
    const { ctx, recorded, memory } = context([B], [learner]);
    await syncDirectory(ctx);
    await setPartnerVisibility(ctx, ana, true);
    learner.interests = ["jazz"];
    learner.updatedAt = new Date(now.getTime() + 1_000);
    await publishLearner(ctx, ana);
    await setPartnerVisibility(ctx, ana, false);
    expect(recorded.state.map((event) => event.content)).toHaveLength(3);
    expect(recorded.state.at(-1)?.content).toEqual({});
    expect(recorded.calls.filter((call) => call.startsWith("redact"))).toEqual([
      "redact $event1",
      "redact $event2",
    ]);
    expect(memory.publications.get(ana)).toEqual({ content: null, eventIds: ["$event3"] });
  });

  it("never publishes a learner who is hidden from suggestions, or one of another server", async () => {
    const { ctx, recorded } = context(
      [B],
      [profile(ana, { discoverable: false }), profile(`@bob:${B}`)],
    );
    await syncDirectory(ctx);
    await setPartnerVisibility(ctx, ana, true);
    await setPartnerVisibility(ctx, `@bob:${B}`, true);
    expect(recorded.state).toEqual([]);
  });
});

describe("pairing latency", () => {
  it("asks a partner's bot that declined again within seconds, then ever more slowly", async () => {
    const { ctx, recorded } = context([B]);
    let clock = 0;
    const backoff = new PairingBackoff(() => clock, 2_000, 300_000, 2);
    await syncDirectory(ctx, { backoff });
    const invitesAt: number[] = [];
    for (clock = 0; clock <= 40_000; clock += 1_000) {
      recorded.members.set(`@xstream:${B}`, "leave");
      recorded.calls.length = 0;
      const { pending } = await syncDirectory(ctx, { backoff });
      expect(pending).toBe(true);
      if (recorded.calls.includes(`invite @xstream:${B}`)) invitesAt.push(clock);
    }
    expect(invitesAt).toEqual([0, 2_000, 6_000, 14_000, 30_000]);
    // Once their bot is in and we are in theirs, nothing is pending.
    recorded.members.set(`@xstream:${B}`, "join");
    await ctx.store.saveRoom({ serverName: B, roomId: `!d:${B}`, organisationName: "B" });
    expect(await syncDirectory(ctx, { backoff })).toEqual({ pending: false });
  });

  it("tries again to join a room whose inviter refused the first join (it had not stored the invite yet)", async () => {
    const { ctx, recorded } = context([B]);
    const answers = [false, false, true];
    const joins: string[] = [];
    recorded.matrix.join = async (roomId) => {
      joins.push(roomId);
      return answers.shift() ?? false;
    };
    const claimed: string[] = [];
    ctx.joinRetryDelaysMs = [1, 1, 1, 1];
    ctx.claimRoom = async (_serverName, roomId) => {
      claimed.push(roomId);
      return true;
    };
    await invitedByBot(ctx, `@xstream:${B}`, `!r:${B}`);
    expect(joins).toEqual([`!r:${B}`, `!r:${B}`, `!r:${B}`]);
    expect(claimed).toEqual([`!r:${B}`]);
  });

  it("invites a partner's bot back as soon as that partner invites ours", async () => {
    const { ctx, recorded } = context([B]);
    await syncDirectory(ctx);
    recorded.members.set(`@xstream:${B}`, "leave");
    recorded.calls.length = 0;
    await invitedByBot(ctx, `@xstream:${B}`, `!d:${B}`);
    expect(recorded.calls).toEqual([`invite @xstream:${B}`]);
  });
});

describe("rereadPartners", () => {
  const partnerRoom = `!d:${B}`;
  const bot = `@xstream:${B}`;
  const entryOf = (userId: string): DirectoryStateEvent => ({
    type: LEARNER_EVENT_TYPE,
    stateKey: learnerStateKey(userId),
    sender: bot,
    content: { ...learnerEntryContent(profile(userId)) },
  });

  it("finds an entry whose event never reached us, from the partner's room state", async () => {
    const { ctx, memory, recorded } = context([B]);
    await ctx.store.saveRoom({ serverName: B, roomId: partnerRoom, organisationName: "B" });
    const state: DirectoryStateEvent[] = [
      { type: "m.room.create", stateKey: "", sender: bot, content: { type: DIRECTORY_ROOM_TYPE } },
      entryOf(`@lucy:${B}`),
    ];
    recorded.matrix.roomState = async () => state;
    await rereadPartners(ctx);
    expect([...memory.entries.keys()]).toEqual([`@lucy:${B}`]);
    // A room of a server we no longer list is not read.
    ctx.partners = [];
    state.push(entryOf(`@max:${B}`));
    await rereadPartners(ctx);
    expect([...memory.entries.keys()]).toEqual([`@lucy:${B}`]);
  });

  it("reads a room in its turn among the room's queued events", async () => {
    const { ctx, recorded } = context([B]);
    await ctx.store.saveRoom({ serverName: B, roomId: partnerRoom, organisationName: "B" });
    const order: string[] = [];
    recorded.matrix.roomState = async () => {
      order.push("read");
      return [];
    };
    let queue = Promise.resolve();
    ctx.inRoomOrder = <T>(roomId: string, task: () => Promise<T>) => {
      order.push(`queued ${roomId}`);
      const result = queue.then(task);
      queue = result.then(() => undefined);
      return result;
    };
    await rereadPartners(ctx);
    expect(order).toEqual([`queued ${partnerRoom}`, "read"]);
  });
});
