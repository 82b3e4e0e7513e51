// Two organisations' bridges, in memory, exchanging requests through a fake Matrix: the domain's
// decisions end to end, without a homeserver. The real thing is e2e/directory-requests.test.ts.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import type { DirectoryStore } from "../store/directoryStore.js";
import type { OrgRequestStore, OutgoingMessage, RemoteLearner } from "../store/orgRequestStore.js";
import type {
  PartnerRequestRecord,
  PartnerStore,
  PartnershipRecord,
} from "../store/partnerStore.js";
import type { ProfileStore } from "../store/profileStore.js";
import type { DirectoryContext } from "./directory.js";
import {
  claimRequestRoom,
  flushMessages,
  handleOrgEvent,
  type OrgRequestContext,
  type OrgRequestMatrix,
  type OrgTimelineEvent,
  orgRequests,
  requestRoomLeft,
  syncOrgRequests,
  TEMPORARY_UNAVAILABLE_MS,
} from "./directoryRequests.js";
import {
  AVAILABLE_EVENT,
  REQUEST_EVENT,
  REQUEST_ROOM_TYPE,
  UNAVAILABLE_EVENT,
} from "./orgRequestEvents.js";
import type { PartnerContext, PartnerMatrix } from "./partnerContext.js";
import {
  acceptRequest,
  blockUser,
  declineRequest,
  listPartners,
  listRequests,
  requestPartner,
  unblockUser,
} from "./partners.js";
import type { Profile } from "./profiles.js";

const A = "a.example";
const B = "b.example";
const now = new Date("2025-03-01T12:00:00Z");
const pair = (one: string, other: string) => [one, other].sort().join(" ");

/** The partner requests store, in memory: just what the request flows use. */
function memoryPartnerStore() {
  const requests = new Map<string, PartnerRequestRecord>();
  const partnerships = new Map<string, PartnershipRecord>();
  const blocks = new Set<string>();
  /** "user other" → when a temporary answer lapses; undefined for a lasting one. */
  const unavailable = new Map<string, Date | undefined>();
  const pending = () => [...requests.values()].filter((r) => r.status === "pending");
  const store = {
    async excludedFor(userId: string) {
      return new Set(
        [...unavailable.keys()]
          .map((key) => key.split(" "))
          .filter(([user]) => user === userId)
          .map(([, other]) => other ?? ""),
      );
    },
    async createRequest(
      requester: string,
      recipient: string,
      options: { maxPendingIncoming: number; now: Date; id?: string },
    ) {
      const key = pair(requester, recipient);
      if (
        blocks.has(`${requester} ${recipient}`) ||
        blocks.has(`${recipient} ${requester}`) ||
        unavailable.has(`${requester} ${recipient}`) ||
        unavailable.has(`${recipient} ${requester}`)
      ) {
        return { refused: "blocked" as const };
      }
      if (partnerships.has(key)) return { refused: "connected" as const };
      if (pending().some((r) => pair(r.requester, r.recipient) === key)) {
        return { refused: "request_exists" as const };
      }
      if (pending().filter((r) => r.recipient === recipient).length >= options.maxPendingIncoming) {
        return { refused: "recipient_full" as const };
      }
      const request: PartnerRequestRecord = {
        id: options.id ?? randomUUID(),
        requester,
        recipient,
        status: "pending",
        createdAt: options.now,
        decidedAt: undefined,
      };
      requests.set(request.id, request);
      return { request };
    },
    async getRequest(id: string) {
      return requests.get(id);
    },
    async pendingRequestsOf(userId: string) {
      return {
        incoming: pending().filter((r) => r.recipient === userId),
        outgoing: pending().filter((r) => r.requester === userId),
      };
    },
    async acceptRequest(id: string, recipient: string, at: Date) {
      const request = requests.get(id);
      if (request?.status !== "pending" || request.recipient !== recipient) return undefined;
      request.status = "accepted";
      request.decidedAt = at;
      const partnership: PartnershipRecord = {
        users: [request.requester, request.recipient],
        requestId: id,
        roomId: null,
        createdAt: at,
      };
      partnerships.set(pair(request.requester, request.recipient), partnership);
      return { request, partnership };
    },
    async declineRequest(id: string, recipient: string, at: Date) {
      const request = requests.get(id);
      if (request?.status !== "pending" || request.recipient !== recipient) return undefined;
      request.status = "declined";
      request.decidedAt = at;
      return request;
    },
    async partnershipsOf(userId: string) {
      return [...partnerships.values()].filter((p) => p.users.includes(userId));
    },
    async claimRoomCreation(users: [string, string]) {
      return partnerships.get(pair(...users))?.roomId === null;
    },
    async releaseRoomCreation() {},
    async setPartnershipRoom(users: [string, string], roomId: string) {
      const partnership = partnerships.get(pair(...users));
      if (partnership) partnership.roomId = roomId;
    },
    async block(blocker: string, blocked: string) {
      blocks.add(`${blocker} ${blocked}`);
      for (const request of pending()) {
        if (pair(request.requester, request.recipient) === pair(blocker, blocked)) {
          request.status = "cancelled";
        }
      }
      partnerships.delete(pair(blocker, blocked));
    },
    async unblock(blocker: string, blocked: string) {
      blocks.delete(`${blocker} ${blocked}`);
    },
  };
  return { store: store as unknown as PartnerStore, requests, partnerships, unavailable };
}

/** The requests-between-organisations store, in memory. */
function memoryOrgStore(partnerStore: ReturnType<typeof memoryPartnerStore>) {
  const rooms = new Map<string, { serverName: string; direction: "in" | "out" }>();
  const messages = new Map<string, OutgoingMessage & { sent: boolean }>();
  const seen = new Set<string>();
  const learners = new Map<string, RemoteLearner>();
  const fullInbox = new Set<string>();
  const { unavailable } = partnerStore;
  const published = new Map<string, RemoteLearner>();
  const serverOf = (userId: string) => userId.slice(userId.indexOf(":") + 1);
  const cancel = (request: PartnerRequestRecord) => {
    request.status = "cancelled";
  };
  const store: OrgRequestStore = {
    async roomOf(serverName, direction) {
      return [...rooms].find(
        ([, r]) => r.serverName === serverName && r.direction === direction,
      )?.[0];
    },
    async roomById(roomId) {
      return rooms.get(roomId);
    },
    async saveRoom(serverName, direction, roomId) {
      rooms.set(roomId, { serverName, direction });
    },
    async roomServers() {
      return [...new Set([...rooms.values()].map((r) => r.serverName))];
    },
    async forgetRooms(serverName) {
      for (const [id, room] of rooms) if (room.serverName === serverName) rooms.delete(id);
    },
    async enqueue(message) {
      if (!messages.has(message.txnId)) messages.set(message.txnId, { ...message, sent: false });
    },
    async unsent(limit) {
      return [...messages.values()].filter((m) => !m.sent).slice(0, limit);
    },
    async markSent(txnId) {
      const message = messages.get(txnId);
      if (message) message.sent = true;
    },
    async dropUnsent(serverName) {
      for (const [id, m] of messages)
        if (m.serverName === serverName && !m.sent) messages.delete(id);
    },
    async isSeen(eventId) {
      return seen.has(eventId);
    },
    async markSeen(eventId) {
      seen.add(eventId);
    },
    async saveLearner(learner) {
      learners.set(learner.entry.userId, learner);
    },
    async learnerOf(userId) {
      return learners.get(userId);
    },
    async publishedLearner(userId) {
      return published.get(userId);
    },
    async acceptWithRoom(requestId, recipient, roomId, at) {
      const accepted = await partnerStore.store.acceptRequest(requestId, recipient, at);
      if (!accepted) return undefined;
      await partnerStore.store.setPartnershipRoom(accepted.partnership.users, roomId);
      return accepted.request;
    },
    async withdraw(requestId, requesterServer) {
      const request = partnerStore.requests.get(requestId);
      if (request?.status !== "pending" || serverOf(request.requester) !== requesterServer) {
        return false;
      }
      cancel(request);
      return true;
    },
    async markUnavailable(user, other, _at, expiresAt) {
      const key = `${user} ${other}`;
      const lasting = unavailable.has(key) && unavailable.get(key) === undefined;
      unavailable.set(key, lasting ? undefined : expiresAt);
      for (const request of partnerStore.requests.values()) {
        if (
          request.status === "pending" &&
          pair(request.requester, request.recipient) === pair(user, other)
        ) {
          cancel(request);
        }
      }
      if (expiresAt) return { endedRoomId: undefined };
      const ended = partnerStore.partnerships.get(pair(user, other));
      partnerStore.partnerships.delete(pair(user, other));
      return { endedRoomId: ended ? ended.roomId : undefined };
    },
    async markAvailable(user, other, temporaryOnly) {
      const key = `${user} ${other}`;
      if (!unavailable.has(key) || (temporaryOnly && unavailable.get(key) === undefined)) {
        return false;
      }
      unavailable.delete(key);
      return true;
    },
    async dropLapsedUnavailable(at) {
      let count = 0;
      for (const [key, expiresAt] of unavailable) {
        if (expiresAt && expiresAt <= at) {
          unavailable.delete(key);
          count++;
        }
      }
      return count;
    },
    async rememberFullInboxAnswer(user, other) {
      fullInbox.add(`${user} ${other}`);
    },
    async fullInboxAnswers(limit) {
      return [...fullInbox].slice(0, limit).map((key) => {
        const [user = "", other = ""] = key.split(" ");
        return { user, other };
      });
    },
    async forgetFullInboxAnswer(user, other) {
      fullInbox.delete(`${user} ${other}`);
    },
    async forgetFullInboxAnswersOf(serverName) {
      for (const key of fullInbox)
        if (serverOf(key.split(" ")[1] ?? "") === serverName) fullInbox.delete(key);
    },
    async withdrawServer(serverName) {
      let count = 0;
      for (const request of partnerStore.requests.values()) {
        if (
          request.status === "pending" &&
          (serverOf(request.requester) === serverName || serverOf(request.recipient) === serverName)
        ) {
          cancel(request);
          count++;
        }
      }
      return count;
    },
  };
  return { store, rooms, messages, published, fullInbox };
}

interface FakeRoom {
  creator: string;
  type: string;
  events: OrgTimelineEvent[];
  txnIds: Set<string>;
  members: Map<string, string>;
}

/** One homeserver for everyone: rooms, their members and their timelines. */
class FakeMatrix {
  readonly rooms = new Map<string, FakeRoom>();
  #next = 0;

  as(botUserId: string): OrgRequestMatrix {
    const room = (roomId: string) => {
      const found = this.rooms.get(roomId);
      if (!found) throw new Error(`no room ${roomId}`);
      return found;
    };
    return {
      createRequestRoom: async ({ partnerBot }) => {
        const roomId = `!r${++this.#next}:${botUserId.split(":")[1]}`;
        this.rooms.set(roomId, {
          creator: botUserId,
          type: REQUEST_ROOM_TYPE,
          events: [],
          txnIds: new Set(),
          members: new Map([
            [botUserId, "join"],
            [partnerBot, "invite"],
          ]),
        });
        return roomId;
      },
      roomCreation: async (roomId) => {
        const found = this.rooms.get(roomId);
        return found && { creator: found.creator, type: found.type };
      },
      memberships: async (roomId) => room(roomId).members,
      invite: async (roomId, userId) => {
        room(roomId).members.set(userId, "invite");
      },
      kick: async (roomId, userId) => {
        room(roomId).members.set(userId, "leave");
      },
      leave: async (roomId) => {
        room(roomId).members.set(botUserId, "leave");
      },
      send: async (roomId, type, content, txnId) => {
        const target = room(roomId);
        if (target.txnIds.has(txnId)) return;
        target.txnIds.add(txnId);
        target.events.push({ eventId: `$e${++this.#next}`, type, sender: botUserId, content });
      },
      recentEvents: async (roomId, limit) => room(roomId).events.slice(-limit),
    };
  }
}

function profile(userId: string, native: string, learns: string): Profile {
  return {
    userId,
    displayName: userId.slice(1, userId.indexOf(":")),
    native: [native],
    learning: [{ language: learns, level: "B1" }],
    interests: [],
    timezone: "Europe/Madrid",
    availability: [],
    bio: "",
    discoverable: true,
    createdAt: now,
    updatedAt: now,
  };
}

interface Organisation {
  server: string;
  ctx: OrgRequestContext;
  partners: PartnerContext;
  directory: DirectoryContext;
  partnerStore: ReturnType<typeof memoryPartnerStore>;
  orgStore: ReturnType<typeof memoryOrgStore>;
  profiles: Map<string, Profile>;
  optedIn: Set<string>;
  createdRooms: { requester: string; recipient: string; roomId: string }[];
  ignored: string[];
}

function organisation(matrix: FakeMatrix, server: string, partner: string): Organisation {
  const profiles = new Map<string, Profile>();
  const optedIn = new Set<string>();
  const partnerStore = memoryPartnerStore();
  const orgStore = memoryOrgStore(partnerStore);
  const createdRooms: Organisation["createdRooms"] = [];
  const ignored: string[] = [];
  const logger = createLogger("silent");
  const partnerMatrix: PartnerMatrix = {
    async publishProfile() {},
    async createPartnerRoom({ requester, recipient }) {
      const roomId = `!partners${createdRooms.length + 1}:${server}`;
      createdRooms.push({ requester: requester.userId, recipient: recipient.userId, roomId });
      return roomId;
    },
    async tellRequestReceived() {},
    async tellRequestAccepted() {},
    async displayNameOf() {
      return undefined;
    },
    async endPartnerRoom() {},
  };
  const partners: PartnerContext = {
    profiles: { get: async (userId: string) => profiles.get(userId) } as unknown as ProfileStore,
    partners: partnerStore.store,
    matrix: partnerMatrix,
    now: () => now,
    logger,
  };
  const directory = {
    serverName: server,
    botLocalpart: "xstream",
    partners: [partner],
    organisationName: `Org ${server}`,
    store: {
      isOptedIn: async (userId: string) => optedIn.has(userId),
      roomOfServer: async (name: string) =>
        name === partner
          ? { serverName: partner, roomId: `!dir:${partner}`, organisationName: `Org ${partner}` }
          : undefined,
    } as unknown as DirectoryStore,
  } as unknown as DirectoryContext;
  const ctx: OrgRequestContext = {
    store: orgStore.store,
    partners,
    directory,
    matrix: matrix.as(`@xstream:${server}`),
    onIgnored: (reason) => ignored.push(reason),
    now: () => now,
    logger,
  };
  partners.orgRequests = orgRequests(ctx);
  return {
    server,
    ctx,
    partners,
    directory,
    partnerStore,
    orgStore,
    profiles,
    optedIn,
    createdRooms,
    ignored,
  };
}

/** What Synapse and the appservice do between the two: invites joined, events delivered. */
async function settle(matrix: FakeMatrix, orgs: Organisation[]) {
  for (let round = 0; round < 4; round++) {
    for (const org of orgs) await flushMessages(org.ctx);
    for (const [roomId, room] of matrix.rooms) {
      for (const org of orgs) {
        const bot = `@xstream:${org.server}`;
        if (room.members.get(bot) === "invite") {
          room.members.set(bot, "join");
          await claimRequestRoom(org.ctx, room.creator.split(":")[1] ?? "", roomId);
        }
        if (room.members.get(bot) !== "join" || room.creator === bot) continue;
        for (const event of room.events) await handleOrgEvent(org.ctx, { ...event, roomId });
      }
    }
  }
}

describe("requests between two organisations (in memory)", () => {
  const matrix = new FakeMatrix();
  let a: Organisation;
  let b: Organisation;
  const ana = `@ana:${A}`;
  const bob = `@bob:${B}`;

  beforeEach(() => {
    matrix.rooms.clear();
    a = organisation(matrix, A, B);
    b = organisation(matrix, B, A);
    a.profiles.set(ana, profile(ana, "es", "en"));
    b.profiles.set(bob, profile(bob, "en", "es"));
    a.optedIn.add(ana);
    b.optedIn.add(bob);
    // Each side's directory holds the other's learner.
    a.orgStore.published.set(bob, {
      entry: { ...profile(bob, "en", "es"), serverName: B, updatedAt: now },
      organisation: `Org ${B}`,
    });
    b.orgStore.published.set(ana, {
      entry: { ...profile(ana, "es", "en"), serverName: A, updatedAt: now },
      organisation: `Org ${A}`,
    });
  });

  it("carries a request across, is accepted on the other side, and both record one room", async () => {
    const { request } = await requestPartner(a.partners, ana, bob);
    expect(request.recipient.organisation).toBe(`Org ${B}`);
    await settle(matrix, [a, b]);

    const { incoming } = await listRequests(b.partners, bob);
    expect(incoming).toHaveLength(1);
    expect(incoming[0]).toMatchObject({
      id: request.id,
      requester: { userId: ana, organisation: `Org ${A}` },
    });

    const partnership = await acceptRequest(b.partners, bob, request.id);
    await settle(matrix, [a, b]);
    expect(b.createdRooms).toEqual([
      { requester: ana, recipient: bob, roomId: partnership.roomId },
    ]);
    expect(a.createdRooms).toEqual([]);
    const onA = await listPartners(a.partners, ana);
    expect(onA.map((p) => [p.partner.userId, p.roomId])).toEqual([[bob, partnership.roomId]]);
    expect((await listRequests(a.partners, ana)).outgoing).toEqual([]);
  });

  it("treats a replayed request as the same one, and a reused id naming others as a mismatch", async () => {
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    const room = [...matrix.rooms.values()].find((r) => r.creator === `@xstream:${A}`);
    const original = room?.events[0];
    expect(original?.type).toBe(REQUEST_EVENT);
    // The same content again under a new event id (a bot that resends), and a forged twin.
    room?.events.push({ ...(original as OrgTimelineEvent), eventId: "$replay" });
    room?.events.push({
      ...(original as OrgTimelineEvent),
      eventId: "$twin",
      content: { ...original?.content, requester: `@mallory:${A}` },
    });
    await settle(matrix, [a, b]);
    expect([...b.partnerStore.requests.keys()]).toEqual([request.id]);
    expect(b.ignored).toEqual(["mismatch"]);
  });

  it("takes a request handled twice at once (delivered, and read by a round) as one, not declined", async () => {
    const { request } = await requestPartner(a.partners, ana, bob);
    await flushMessages(a.ctx);
    const [roomId, room] = [...matrix.rooms].find(([, r]) => r.creator === `@xstream:${A}`) ?? [];
    const event = room?.events[0] as OrgTimelineEvent;
    room?.members.set(`@xstream:${B}`, "join");
    await Promise.all([
      handleOrgEvent(b.ctx, { ...event, roomId: roomId ?? "" }),
      handleOrgEvent(b.ctx, { ...event, roomId: roomId ?? "" }),
    ]);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.get(request.id)?.status).toBe("pending");
    expect(a.partnerStore.requests.get(request.id)?.status).toBe("pending");
  });

  it("answers a declined request, and the requester's side closes it", async () => {
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    await declineRequest(b.partners, bob, request.id);
    await settle(matrix, [a, b]);
    expect(a.partnerStore.requests.get(request.id)?.status).toBe("declined");
  });

  it("refuses a learner who is not shown to partners with a generic 'not available'", async () => {
    b.optedIn.delete(bob);
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.size).toBe(0);
    expect(a.partnerStore.requests.get(request.id)?.status).toBe("cancelled");
    // And Ana's side stops offering Bob to her.
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    await expect(requestPartner(a.partners, ana, bob)).rejects.toMatchObject({
      reason: "partner_unavailable",
    });
  });

  it("turns a block on one side into 'not available' on the other, both ways", async () => {
    await blockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    await expect(requestPartner(a.partners, ana, bob)).rejects.toMatchObject({
      reason: "partner_unavailable",
    });
    // Nothing in the other side's messages names a block.
    const sent = [...b.orgStore.messages.values()];
    expect(JSON.stringify(sent)).not.toMatch(/block/i);
  });

  it("keeps the attention bound for requests from partners, for as long as the inbox is full", async () => {
    const filling: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await b.partnerStore.store.createRequest(`@local${i}:${B}`, bob, {
        maxPendingIncoming: 10,
        now,
      });
      if ("request" in created) filling.push(created.request.id);
    }
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.has(request.id)).toBe(false);
    expect(a.partnerStore.requests.get(request.id)?.status).toBe("cancelled");
    // Held for a while only, as a local requester would find it.
    expect(a.partnerStore.unavailable.get(`${ana} ${bob}`)).toEqual(
      new Date(now.getTime() + TEMPORARY_UNAVAILABLE_MS),
    );
    await expect(requestPartner(a.partners, ana, bob)).rejects.toMatchObject({
      reason: "partner_unavailable",
    });
    // Still full: nothing is said.
    await syncOrgRequests(b.ctx);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    // Room again: Ana's side hears it and Bob is hers to ask again.
    await declineRequest(b.partners, bob, filling[0] ?? "");
    await syncOrgRequests(b.ctx);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).not.toContain(bob);
    expect(b.orgStore.fullInbox.size).toBe(0);
    const again = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.get(again.request.id)?.status).toBe("pending");
  });

  it("does not let a full inbox's 'available' lift a block made since", async () => {
    for (let i = 0; i < 10; i++) {
      await b.partnerStore.store.createRequest(`@local${i}:${B}`, bob, {
        maxPendingIncoming: 10,
        now,
      });
    }
    await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    await blockUser(b.partners, bob, ana);
    for (const request of b.partnerStore.requests.values()) request.status = "cancelled";
    await syncOrgRequests(b.ctx);
    await settle(matrix, [a, b]);
    const room = [...matrix.rooms.values()].find((r) => r.creator === `@xstream:${B}`);
    expect(room?.events.map((event) => [event.type, event.content.temporary])).toEqual([
      [UNAVAILABLE_EVENT, true],
      [UNAVAILABLE_EVENT, undefined],
      [AVAILABLE_EVENT, true],
    ]);
    expect(a.partnerStore.unavailable.has(`${ana} ${bob}`)).toBe(true);
    expect(a.partnerStore.unavailable.get(`${ana} ${bob}`)).toBeUndefined();
  });

  it("lets a temporary 'not available' lapse, and a learner not shown is one", async () => {
    b.optedIn.delete(bob);
    await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    b.optedIn.add(bob);
    a.ctx.now = () => new Date(now.getTime() + TEMPORARY_UNAVAILABLE_MS - 1);
    await syncOrgRequests(a.ctx);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    a.ctx.now = () => new Date(now.getTime() + TEMPORARY_UNAVAILABLE_MS);
    await syncOrgRequests(a.ctx);
    expect(await a.partnerStore.store.excludedFor(ana)).not.toContain(bob);
  });

  it("lifts a block's 'not available' on the other side when the learner unblocks", async () => {
    await blockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
    await unblockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    expect(await a.partnerStore.store.excludedFor(ana)).not.toContain(bob);
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.get(request.id)?.status).toBe("pending");
  });

  it("does not replay an old 'available' over a later block", async () => {
    await blockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    await unblockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    await blockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    const [roomId, room] = [...matrix.rooms].find(([, r]) => r.creator === `@xstream:${B}`) ?? [];
    const available = room?.events.find((event) => event.type === AVAILABLE_EVENT);
    if (!roomId || !available) throw new Error("no 'available' was sent");
    // Delivered again (a transaction retried, the room read again): already handled.
    await handleOrgEvent(a.ctx, { ...available, roomId });
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
  });

  it("believes 'available' only from the partner's bot, for its own learner", async () => {
    await blockUser(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    const [roomId] = [...matrix.rooms].find(([, r]) => r.creator === `@xstream:${B}`) ?? [];
    const forged = (eventId: string, sender: string, user: string) =>
      handleOrgEvent(a.ctx, {
        roomId: roomId ?? "",
        eventId,
        type: AVAILABLE_EVENT,
        sender,
        content: { user, other: ana },
      });
    await forged("$eve", `@eve:${B}`, bob);
    await forged("$third", `@xstream:${B}`, `@mallory:c.example`);
    await forged("$ours", `@xstream:${A}`, bob);
    expect(a.ignored).toEqual(["forged_sender", "forged_sender", "forged_sender"]);
    expect(await a.partnerStore.store.excludedFor(ana)).toContain(bob);
  });

  it("clears its side's earlier answer for a pair when their learner asks after all", async () => {
    // Ana's inbox is full when Bob asks: B holds her unavailable to him for a while.
    for (let i = 0; i < 10; i++) {
      await a.partnerStore.store.createRequest(`@local${i}:${A}`, ana, {
        maxPendingIncoming: 10,
        now,
      });
    }
    b.orgStore.published.set(ana, {
      entry: { ...profile(ana, "es", "en"), serverName: A, updatedAt: now },
      organisation: `Org ${A}`,
    });
    a.orgStore.published.set(bob, {
      entry: { ...profile(bob, "en", "es"), serverName: B, updatedAt: now },
      organisation: `Org ${B}`,
    });
    await requestPartner(b.partners, bob, ana);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.unavailable.has(`${bob} ${ana}`)).toBe(true);
    // Ana asks Bob herself: B takes her request rather than answering with its own refusal.
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.get(request.id)?.status).toBe("pending");
    expect(b.partnerStore.unavailable.has(`${bob} ${ana}`)).toBe(false);
  });

  it("takes in a partner's request room from its next event when the invite was not", async () => {
    await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    // As if reading the room had failed right after joining it: B does not know the room.
    b.orgStore.rooms.clear();
    const cy = `@cy:${A}`;
    a.profiles.set(cy, profile(cy, "es", "en"));
    b.orgStore.published.set(cy, {
      entry: { ...profile(cy, "es", "en"), serverName: A, updatedAt: now },
      organisation: `Org ${A}`,
    });
    const { request } = await requestPartner(a.partners, cy, bob);
    await settle(matrix, [a, b]);
    expect(b.partnerStore.requests.get(request.id)?.status).toBe("pending");
    expect(b.ignored).toEqual([]);
  });

  it("withdraws open requests on both sides when a pairing ends", async () => {
    const { request } = await requestPartner(a.partners, ana, bob);
    await settle(matrix, [a, b]);
    // A's operator removes B.
    a.directory.partners = [];
    await syncOrgRequests(a.ctx);
    expect(a.partnerStore.requests.get(request.id)?.status).toBe("cancelled");
    // B sees its bot removed from A's room.
    const roomOfA = await b.orgStore.store.roomOf(A, "in");
    await requestRoomLeft(b.ctx, roomOfA ?? "", `@xstream:${B}`);
    expect(b.partnerStore.requests.get(request.id)?.status).toBe("cancelled");
  });
});
