import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OutgoingMail } from "../../domain/partnerMail.js";
import { createPartnerMailOutbox } from "../../domain/partnerMailOutbox.js";
import { createLogger } from "../../logger.js";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { withTransaction } from "./database.js";
import { createPgPartnerMailStore, recordPartnerMail } from "./partnerMailStore.js";
import { createPgPartnerStore } from "./partnerStore.js";

// Everything here is dated 1991, so claims never reach rows other test files left in the tables.
const CREATED = new Date("1991-01-01T00:00:00Z");
const NOW = new Date("1991-01-01T00:01:00Z");
const LEASE_MS = 60_000;
const IN_1991 = "created_at >= '1991-01-01' AND created_at < '1992-01-01'";

describe("PostgreSQL partner-mail outbox", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 6 });
  });

  const clean = async () => {
    await pool.query(`DELETE FROM partner_mails WHERE ${IN_1991}`);
    await pool.query(`DELETE FROM partner_notices WHERE ${IN_1991}`);
    await pool.query(`DELETE FROM partnerships WHERE ${IN_1991}`);
    await pool.query(`DELETE FROM partner_requests WHERE ${IN_1991}`);
  };
  beforeEach(clean);
  afterAll(async () => {
    if (pool) await clean();
    await pool?.end();
  });

  const user = (name: string) => `@${name}-${randomUUID().slice(0, 8)}:mail.test`;

  /** `count` requests made through the partner store, each with its mail. */
  async function requests(count: number): Promise<{ id: string; recipient: string }[]> {
    const partners = createPgPartnerStore(pool);
    const made: { id: string; recipient: string }[] = [];
    for (let i = 0; i < count; i++) {
      const recipient = user("ana");
      const created = await partners.createRequest(user("tom"), recipient, {
        maxPendingIncoming: 10,
        now: CREATED,
      });
      if (!("request" in created)) throw new Error(`refused: ${created.refused}`);
      made.push({ id: created.request.id, recipient });
    }
    return made;
  }

  it("records the mail in the transaction of the request and of the acceptance", async () => {
    const partners = createPgPartnerStore(pool);
    const tom = user("tom");
    const ana = user("ana");
    const created = await partners.createRequest(tom, ana, {
      maxPendingIncoming: 10,
      now: CREATED,
    });
    if (!("request" in created)) throw new Error("refused");
    await partners.acceptRequest(created.request.id, ana, CREATED);
    const { rows } = await pool.query(
      "SELECT kind, user_id, attempts, outcome FROM partner_mails WHERE request_id = $1 ORDER BY id",
      [created.request.id],
    );
    expect(rows).toEqual([
      { kind: "request_received", user_id: ana, attempts: 0, outcome: null },
      { kind: "request_accepted", user_id: tom, attempts: 0, outcome: null },
    ]);
    // Recorded again (a retried transaction): still one mail.
    await recordPartnerMail(pool, created.request.id, "request_received", CREATED);
    const { rowCount } = await pool.query("SELECT 1 FROM partner_mails WHERE request_id = $1", [
      created.request.id,
    ]);
    expect(rowCount).toBe(2);
  });

  it("records no mail when the request's transaction rolls back", async () => {
    const id = randomUUID();
    await expect(
      withTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO partner_requests (id, requester, recipient, created_at)
           VALUES ($1, $2, $3, $4)`,
          [id, user("tom"), user("ana"), CREATED],
        );
        await recordPartnerMail(client, id, "request_received", CREATED);
        throw new Error("the bridge died here");
      }),
    ).rejects.toThrow("the bridge died here");
    const { rowCount } = await pool.query("SELECT 1 FROM partner_mails WHERE request_id = $1", [
      id,
    ]);
    expect(rowCount).toBe(0);
  });

  it("gives two replicas claiming at once one mail each, and nothing to a third", async () => {
    const made = await requests(2);
    const store = createPgPartnerMailStore(pool);
    const due = { limit: 1, leaseMs: LEASE_MS };
    const [one, other] = await Promise.all([store.claimDue(NOW, due), store.claimDue(NOW, due)]);
    expect(one).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect([one?.[0]?.requestId, other?.[0]?.requestId].sort()).toEqual(
      made.map((request) => request.id).sort(),
    );
    expect(one?.[0]?.userId).toBe(made.find((r) => r.id === one?.[0]?.requestId)?.recipient);
    expect(await store.claimDue(NOW, { ...due, limit: 10 })).toEqual([]);
  });

  it("skips a mail another transaction holds instead of waiting for it", async () => {
    const [locked, free] = await requests(2);
    const store = createPgPartnerMailStore(pool);
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM partner_mails WHERE request_id = $1 FOR UPDATE", [
        locked?.id,
      ]);
      const started = performance.now();
      const claimed = await store.claimDue(NOW, { limit: 10, leaseMs: LEASE_MS });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(claimed.map((mail) => mail.requestId)).toEqual([free?.id]);
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
  });

  it("retries at the time given, keeps the error, and hands a lapsed claim over", async () => {
    const [request] = await requests(1);
    const store = createPgPartnerMailStore(pool);
    const due = { limit: 10, leaseMs: LEASE_MS };
    const [first] = await store.claimDue(NOW, due);
    expect(first?.attempts).toBe(1);
    const retryAt = new Date(NOW.getTime() + 10_000);
    await store.retryAt(first?.id ?? "", retryAt, "connect ECONNREFUSED 127.0.0.1:25");
    expect(await store.claimDue(new Date(retryAt.getTime() - 1), due)).toEqual([]);
    const [second] = await store.claimDue(retryAt, due);
    expect(second).toMatchObject({ id: first?.id, requestId: request?.id, attempts: 2 });
    const { rows } = await pool.query("SELECT last_error FROM partner_mails WHERE id = $1", [
      first?.id,
    ]);
    expect(rows[0].last_error).toBe("connect ECONNREFUSED 127.0.0.1:25");
    // The replica holding it died: once the lease is over, another claims it.
    expect(await store.claimDue(new Date(retryAt.getTime() + LEASE_MS - 1), due)).toEqual([]);
    const [third] = await store.claimDue(new Date(retryAt.getTime() + LEASE_MS), due);
    expect(third?.attempts).toBe(3);
    // Postponed (its partner room is still being made): not an attempt, due again at the time.
    const again = new Date(retryAt.getTime() + LEASE_MS + 2_000);
    await store.postpone(third?.id ?? "", again);
    expect(await store.claimDue(new Date(again.getTime() - 1), due)).toEqual([]);
    const [fourth] = await store.claimDue(again, due);
    expect(fourth?.attempts).toBe(3);
  });

  it("never claims a mail again once it was sent, skipped or given up, and keeps why", async () => {
    const made = await requests(3);
    const store = createPgPartnerMailStore(pool);
    const claimed = await store.claimDue(NOW, { limit: 10, leaseMs: LEASE_MS });
    expect(claimed).toHaveLength(3);
    const [sent, skipped, givenUp] = claimed;
    await store.settle(sent?.id ?? "", NOW, "sent");
    await store.settle(skipped?.id ?? "", NOW, "skipped", "opted out");
    await store.settle(givenUp?.id ?? "", NOW, "given_up", "550 mailbox unavailable");
    // Settling twice (a slow replica) changes nothing.
    await store.settle(sent?.id ?? "", NOW, "given_up", "late");
    const muchLater = new Date("1991-06-01T00:00:00Z");
    expect(await store.claimDue(muchLater, { limit: 10, leaseMs: LEASE_MS })).toEqual([]);
    const { rows } = await pool.query(
      "SELECT outcome, reason FROM partner_mails WHERE request_id = ANY($1::uuid[]) ORDER BY outcome",
      [made.map((request) => request.id)],
    );
    expect(rows).toEqual([
      { outcome: "given_up", reason: "550 mailbox unavailable" },
      { outcome: "sent", reason: null },
      { outcome: "skipped", reason: "opted out" },
    ]);
  });

  it("has two replicas' outboxes sweeping side by side send every mail exactly once", async () => {
    const made = await requests(30);
    const sent: OutgoingMail[] = [];
    const replica = () =>
      createPartnerMailOutbox({
        store: createPgPartnerMailStore(pool),
        prepare: async (pending) => ({
          send: {
            to: `${pending.userId.slice(1, 9)}@mail.test`,
            subject: pending.requestId,
            text: "",
            html: "",
            unsubscribeUrl: "http://localhost/unsubscribe",
          },
        }),
        transport: {
          async send(mail) {
            // A little SMTP latency, so the two sweeps really overlap.
            await new Promise((resolve) => setTimeout(resolve, 5));
            sent.push(mail);
          },
        },
        messageIdDomain: "mail.test",
        logger: createLogger("silent"),
        now: () => NOW,
      });
    const [a, b] = [replica(), replica()];
    const [byA, byB] = await Promise.all([a.sweep(), b.sweep()]);
    expect(byA + byB).toBe(30);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(sent.map((mail) => mail.subject).sort()).toEqual(made.map((r) => r.id).sort());
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM partner_mails WHERE ${IN_1991} AND outcome = 'sent'`,
    );
    expect(rows[0].n).toBe(30);
  });
});
