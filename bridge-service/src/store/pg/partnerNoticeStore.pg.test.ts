import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgPartnerNoticeStore, recordPartnerNotice } from "./partnerNoticeStore.js";

// Notices dated 1990, so claims here never reach rows other test files left in the table.
const CREATED = new Date("1990-01-01T00:00:00Z");
const NOW = new Date("1990-01-01T00:01:00Z");
const LEASE_MS = 60_000;
const due = { limit: 1, leaseMs: LEASE_MS, untriedBefore: new Date("1990-01-01T00:00:30Z") };

describe("PostgreSQL partner-notice outbox", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 4 });
  });

  afterAll(async () => {
    await pool?.query("DELETE FROM partner_notices WHERE created_at < '2000-01-01'");
    await pool?.end();
  });

  async function twoNotices(): Promise<string[]> {
    await pool.query("DELETE FROM partner_notices WHERE created_at < '2000-01-01'");
    const requestIds = [randomUUID(), randomUUID()];
    for (const requestId of requestIds) {
      await recordPartnerNotice(pool, requestId, "request_received", CREATED);
      // Recorded twice (a retried transaction): still one notice.
      await recordPartnerNotice(pool, requestId, "request_received", CREATED);
    }
    return requestIds;
  }

  it("gives two replicas claiming at once one notice each, and nothing to a third", async () => {
    const requestIds = await twoNotices();
    const store = createPgPartnerNoticeStore(pool);
    const [one, other] = await Promise.all([store.claimDue(NOW, due), store.claimDue(NOW, due)]);
    expect(one).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect([one?.[0]?.requestId, other?.[0]?.requestId].sort()).toEqual([...requestIds].sort());
    expect(await store.claimDue(NOW, { ...due, limit: 10 })).toEqual([]);
    // The writer's own first attempt does not take a notice a sweep has claimed.
    expect(await store.claimUntried(requestIds[0] ?? "", "request_received", NOW, LEASE_MS)).toBe(
      undefined,
    );
  });

  it("skips a notice another transaction holds instead of waiting for it", async () => {
    const [locked, free] = await twoNotices();
    const store = createPgPartnerNoticeStore(pool);
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM partner_notices WHERE request_id = $1 FOR UPDATE", [
        locked,
      ]);
      const started = performance.now();
      const claimed = await store.claimDue(NOW, { ...due, limit: 10 });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(claimed.map((notice) => notice.requestId)).toEqual([free]);
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
    const [notice] = await store.claimDue(NOW, { ...due, limit: 10 });
    expect(notice?.requestId).toBe(locked);
    expect(notice?.attempts).toBe(1);
  });

  it("hands a notice over once its lease has run out, and never after it was sent", async () => {
    const [requestId] = await twoNotices();
    const store = createPgPartnerNoticeStore(pool);
    const first = await store.claimUntried(requestId ?? "", "request_received", NOW, LEASE_MS);
    expect(first?.attempts).toBe(1);
    const afterLease = new Date(NOW.getTime() + LEASE_MS);
    const claimed = await store.claimDue(afterLease, { ...due, limit: 10 });
    const again = claimed.find((notice) => notice.requestId === requestId);
    expect(again).toMatchObject({ id: first?.id, attempts: 2 });
    await store.markSent(again?.id ?? "", afterLease);
    const muchLater = new Date(NOW.getTime() + 100 * LEASE_MS);
    const remaining = await store.claimDue(muchLater, { ...due, limit: 10 });
    expect(remaining.map((notice) => notice.requestId)).not.toContain(requestId);
    // The other notice was claimed by the sweep above and given up now; both settled.
    for (const notice of remaining) await store.giveUp(notice.id, muchLater);
    expect(await store.claimDue(new Date("1999-01-01"), { ...due, limit: 10 })).toEqual([]);
    expect(await store.forgetSettledBefore(new Date("1991-01-01"))).toBe(2);
  });
});
