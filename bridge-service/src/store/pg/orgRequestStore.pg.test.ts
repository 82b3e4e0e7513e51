import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgOrgRequestStore } from "./orgRequestStore.js";
import { createPgPartnerStore } from "./partnerStore.js";

// Server names with ports, as on one machine: `localhost:8448` must not match `localhost:84`.
const A = "localhost:8448";
const B = "localhost:84";
const now = new Date("2025-03-01T12:00:00Z");
const ana = `@ana:${A}`;
const bob = `@bob:${B}`;
const cid = `@cid:${B}`;

describe("PostgreSQL store of requests between organisations", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
  });

  beforeEach(async () => {
    await pool.query(
      `TRUNCATE partner_request_rooms, partner_request_messages, partner_request_events_seen,
         remote_learners, partner_unavailable, partner_full_inbox_answers, partnerships,
         partner_requests, blocks`,
    );
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("keeps a message once per transaction id until it is sent", async () => {
    const store = createPgOrgRequestStore(pool);
    const message = { txnId: "request-1", serverName: A, type: "t", content: { n: 1 } };
    await store.enqueue(message, now);
    await store.enqueue({ ...message, content: { n: 2 } }, now);
    expect(await store.unsent(10)).toEqual([message]);
    await store.markSent("request-1", now);
    expect(await store.unsent(10)).toEqual([]);
  });

  it("accepts with the partner's room in one go, only a pending request to that recipient", async () => {
    const partners = createPgPartnerStore(pool);
    const store = createPgOrgRequestStore(pool);
    const created = await partners.createRequest(bob, ana, { maxPendingIncoming: 10, now });
    if (!("request" in created)) throw new Error("not created");
    const id = created.request.id;
    expect(await store.acceptWithRoom(id, cid, "!room:b", now)).toBeUndefined();
    expect(await store.acceptWithRoom(id, ana, "!room:b", now)).toMatchObject({
      status: "accepted",
    });
    expect(await store.acceptWithRoom(id, ana, "!other:b", now)).toBeUndefined();
    const [partnership] = await partners.partnershipsOf(ana);
    expect(partnership?.roomId).toBe("!room:b");
    // Never waiting for a room of its own on this side.
    expect(await partners.partnershipsWithoutRoom(10)).toEqual([]);
  });

  it("marks a pair unavailable both for suggestions and requests, and ends their partnership", async () => {
    const partners = createPgPartnerStore(pool);
    const store = createPgOrgRequestStore(pool);
    const created = await partners.createRequest(ana, bob, { maxPendingIncoming: 10, now });
    if (!("request" in created)) throw new Error("not created");
    await store.markUnavailable(ana, bob, now);
    expect((await partners.getRequest(created.request.id))?.status).toBe("cancelled");
    expect(await partners.excludedFor(ana)).toContain(bob);
    for (const [from, to] of [
      [ana, bob],
      [bob, ana],
    ] as const) {
      expect(
        await partners.createRequest(from, to, { maxPendingIncoming: 10, now, id: undefined }),
      ).toEqual({ refused: "blocked" });
    }
  });

  it("lets a temporary answer lapse and end no partnership, and a lasting one outrank it", async () => {
    const partners = createPgPartnerStore(pool);
    const store = createPgOrgRequestStore(pool);
    const later = new Date(now.getTime() + 60_000);
    const accepted = await partners.createRequest(ana, bob, { maxPendingIncoming: 10, now });
    if (!("request" in accepted)) throw new Error("not created");
    await partners.acceptRequest(accepted.request.id, bob, now);
    expect(await store.markUnavailable(ana, bob, now, later)).toEqual({ endedRoomId: undefined });
    expect(await partners.partnershipsOf(ana)).toHaveLength(1);
    expect(await partners.excludedFor(ana)).toContain(bob);

    await store.markUnavailable(ana, cid, now, later);
    expect(await store.dropLapsedUnavailable(new Date(later.getTime() - 1))).toBe(0);
    expect(await store.dropLapsedUnavailable(later)).toBe(2);
    expect(
      await partners.createRequest(ana, cid, { maxPendingIncoming: 10, now, id: undefined }),
    ).toMatchObject({ request: { status: "pending" } });

    // A lasting answer is not shortened by a temporary one, nor lifted by "room again".
    const dee = `@dee:${B}`;
    await store.markUnavailable(ana, dee, now);
    await store.markUnavailable(ana, dee, now, later);
    expect(await store.dropLapsedUnavailable(later)).toBe(0);
    expect(await store.markAvailable(ana, dee, true)).toBe(false);
    expect(await partners.excludedFor(ana)).toContain(dee);
    expect(await store.markAvailable(ana, dee, false)).toBe(true);
    expect(await partners.excludedFor(ana)).not.toContain(dee);
  });

  it("lets only the side that said 'not available' lift it", async () => {
    const store = createPgOrgRequestStore(pool);
    await store.markUnavailable(ana, bob, now);
    // As if another server's answer sat under the same pair (older rows, a bug elsewhere).
    await pool.query("UPDATE partner_unavailable SET set_by = 'elsewhere.example'");
    expect(await store.markAvailable(ana, bob, false)).toBe(false);
    await pool.query("UPDATE partner_unavailable SET set_by = $1", [B]);
    expect(await store.markAvailable(ana, bob, false)).toBe(true);
  });

  it("remembers full-inbox answers until told, and forgets a former partner's", async () => {
    const store = createPgOrgRequestStore(pool);
    await store.rememberFullInboxAnswer(ana, bob, now);
    await store.rememberFullInboxAnswer(ana, bob, now);
    await store.rememberFullInboxAnswer(ana, `@eve:${A}0`, new Date(now.getTime() + 1));
    expect(await store.fullInboxAnswers(10)).toEqual([
      { user: ana, other: bob },
      { user: ana, other: `@eve:${A}0` },
    ]);
    await store.forgetFullInboxAnswersOf(B);
    expect(await store.fullInboxAnswers(10)).toEqual([{ user: ana, other: `@eve:${A}0` }]);
    await store.forgetFullInboxAnswer(ana, `@eve:${A}0`);
    expect(await store.fullInboxAnswers(10)).toEqual([]);
  });

  it("withdraws only the requests with the named server's learners", async () => {
    const partners = createPgPartnerStore(pool);
    const store = createPgOrgRequestStore(pool);
    const toB = await partners.createRequest(ana, bob, { maxPendingIncoming: 10, now });
    const other = await partners.createRequest(ana, `@dee:${A}0`, { maxPendingIncoming: 10, now });
    if (!("request" in toB) || !("request" in other)) throw new Error("not created");
    expect(await store.withdrawServer(B, now)).toBe(1);
    expect((await partners.getRequest(toB.request.id))?.status).toBe("cancelled");
    expect((await partners.getRequest(other.request.id))?.status).toBe("pending");
    // A withdrawal names the requester's server: B cannot withdraw A's learner's request.
    expect(await store.withdraw(other.request.id, B, now)).toBe(false);
    expect(await store.withdraw(other.request.id, A, now)).toBe(true);
  });

  it("keeps rooms per partner and direction, and forgets them with the pairing", async () => {
    const store = createPgOrgRequestStore(pool);
    await store.saveRoom(B, "out", "!out:a");
    await store.saveRoom(B, "in", "!in:b");
    expect(await store.roomById("!in:b")).toEqual({ serverName: B, direction: "in" });
    expect(await store.roomServers()).toEqual([B]);
    await store.forgetRooms(B);
    expect(await store.roomOf(B, "out")).toBeUndefined();
  });
});
