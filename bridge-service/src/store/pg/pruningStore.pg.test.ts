import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS } from "../../domain/authContext.js";
import { PRUNE_JOB, pruneHandledIds } from "../../domain/pruning.js";
import { openMigratedTestPool, testDatabaseUrl } from "../../testing/pgHarness.js";
import { createPgPruningStore } from "./pruningStore.js";

// Tables of its own (copies of the migrated ones in a schema of its own, first on the
// search_path): pruning deletes by age across whole tables, and which transaction id is the
// newest depends on every row, so other test files' rows must not be in these tables.
const NOW = new Date("2026-06-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR_MS = 3_600_000;

describe("pruning handled ids in PostgreSQL", () => {
  const schema = `prune_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const TABLES = [
    "appservice_transactions",
    "appservice_inbox",
    "bot_replies",
    "bot_command_runs",
    "partner_mails",
    "maintenance_turns",
  ];
  let pool: pg.Pool;

  beforeAll(async () => {
    const migrated = await openMigratedTestPool({ max: 1 });
    try {
      await migrated.query(`CREATE SCHEMA ${schema}`);
      for (const table of TABLES) {
        await migrated.query(
          `CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`,
        );
      }
    } finally {
      await migrated.end();
    }
    pool = new pg.Pool({
      connectionString: testDatabaseUrl(),
      options: `-c search_path=${schema}`,
      max: 4,
    });
  }, 60_000);

  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
  });

  beforeEach(async () => {
    await pool.query(
      "TRUNCATE appservice_transactions, appservice_inbox, bot_replies, bot_command_runs, partner_mails, maintenance_turns",
    );
  });

  const txn = (id: string, at: Date) =>
    pool.query(
      "INSERT INTO appservice_transactions (txn_id, received_at, event_count) VALUES ($1, $2, 1)",
      [id, at],
    );
  const command = async (eventId: string, at: Date) => {
    await pool.query(
      "INSERT INTO bot_replies (event_id, body, formatted_body, created_at) VALUES ($1, 'ok', 'ok', $2)",
      [eventId, at],
    );
    await pool.query("INSERT INTO bot_command_runs (event_id, started_at) VALUES ($1, $2)", [
      eventId,
      at,
    ]);
  };
  const mail = (at: Date, outcome: string | null) =>
    pool.query(
      `INSERT INTO partner_mails (request_id, kind, user_id, created_at, settled_at, outcome)
       VALUES ($1, 'request_received', '@ana:localhost', $2, $3, $4)`,
      [randomUUID(), at, outcome ? at : null, outcome],
    );
  const ids = async (sql: string) => (await pool.query(sql)).rows.map((row) => row.id).sort();

  it("forgets rows past their retention and keeps recent ones, table by table", async () => {
    await txn("old-1", ago(3 * DAY_MS));
    await txn("old-2", ago(2 * DAY_MS));
    await txn("recent", ago(HOUR_MS));
    await command("$old", ago(2 * DAY_MS));
    await command("$recent", ago(HOUR_MS));
    await mail(ago(8 * DAY_MS), "sent");
    await mail(ago(8 * DAY_MS), null);
    await mail(ago(2 * DAY_MS), "sent");

    const pruned = await pruneHandledIds(createPgPruningStore(pool), { now: NOW });
    expect(pruned).toEqual({
      appservice_transactions: 2,
      bot_replies: 1,
      bot_command_runs: 1,
      partner_mails: 2,
    });
    expect(await ids("SELECT txn_id AS id FROM appservice_transactions")).toEqual(["recent"]);
    expect(await ids("SELECT event_id AS id FROM bot_replies")).toEqual(["$recent"]);
    expect(await ids("SELECT event_id AS id FROM bot_command_runs")).toEqual(["$recent"]);
    expect((await pool.query("SELECT created_at FROM partner_mails")).rows).toEqual([
      { created_at: ago(2 * DAY_MS) },
    ]);
  });

  it("keeps the newest transaction id however old, and a command still in the inbox", async () => {
    // The bridge was down for a week: the last transaction it applied may still be replayed.
    await txn("before-last", ago(8 * DAY_MS));
    await txn("last", ago(7 * DAY_MS));
    await command("$waiting", ago(3 * DAY_MS));
    await pool.query(
      "INSERT INTO appservice_inbox (event_id, event, received_at) VALUES ($1, '{}', $2)",
      ["$waiting", ago(3 * DAY_MS)],
    );
    await pruneHandledIds(createPgPruningStore(pool), { now: NOW });
    expect(await ids("SELECT txn_id AS id FROM appservice_transactions")).toEqual(["last"]);
    expect(await ids("SELECT event_id AS id FROM bot_replies")).toEqual(["$waiting"]);
    expect(await ids("SELECT event_id AS id FROM bot_command_runs")).toEqual(["$waiting"]);
  });

  it("deletes in bounded batches and leaves rows another transaction holds", async () => {
    for (let i = 0; i < 25; i++) await command(`$c${i}`, ago(2 * DAY_MS + i * 1_000));
    const store = createPgPruningStore(pool);
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM bot_replies WHERE event_id = '$c0' FOR UPDATE");
      const started = performance.now();
      expect(await store.pruneBatch("bot_replies", ago(DAY_MS), 10)).toBe(10);
      const pruned = await pruneHandledIds(store, { now: NOW, batchSize: 10, pauseMs: 0 });
      // Never waited on the held row: it stays for a later turn.
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(pruned.bot_replies).toBe(14);
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
    expect(await ids("SELECT event_id AS id FROM bot_replies")).toEqual(["$c0"]);
    // A huge backlog is worked off over several turns, never in one go.
    for (let i = 0; i < 30; i++) await txn(`t${i}`, ago(2 * DAY_MS + i * 1_000));
    const bounded = await pruneHandledIds(store, {
      now: NOW,
      batchSize: 5,
      maxBatches: 2,
      pauseMs: 0,
    });
    expect(bounded.appservice_transactions).toBe(10);
  });

  it("gives one of many replicas asking at once the turn, and the next turn after the interval", async () => {
    const store = createPgPruningStore(pool);
    const turns = await Promise.all(
      Array.from({ length: 4 }, () => store.takeTurn(PRUNE_JOB, NOW, 60_000)),
    );
    expect(turns.filter(Boolean)).toHaveLength(1);
    expect(await store.takeTurn(PRUNE_JOB, new Date(NOW.getTime() + 59_999), 60_000)).toBe(false);
    const next = await Promise.all([
      store.takeTurn(PRUNE_JOB, new Date(NOW.getTime() + 60_000), 60_000),
      store.takeTurn(PRUNE_JOB, new Date(NOW.getTime() + 60_000), 60_000),
    ]);
    expect(next.filter(Boolean)).toHaveLength(1);
  });
});
