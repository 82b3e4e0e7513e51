import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { runMigrations } from "./migrations.js";
import { createPgTransactionStore } from "./transactionStore.js";

describe("PostgreSQL transaction store", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
    await pool.query("TRUNCATE appservice_transactions, user_activity, appservice_inbox");
  });

  afterAll(async () => {
    await pool?.end();
  });

  const activity = async () =>
    (await pool.query("SELECT user_id, last_event_id FROM user_activity ORDER BY user_id")).rows;

  it("migrations are idempotent", async () => {
    await expect(runMigrations(pool, createLogger("silent"))).resolves.toEqual([]);
  });

  it("applies a transaction once, even when delivered concurrently", async () => {
    const store = createPgTransactionStore(pool);
    let applied = 0;
    const apply = async (effects: Parameters<Parameters<typeof store.runOnce>[2]>[0]) => {
      applied++;
      await effects.recordUserActivity([
        { userId: "@ana:x", lastActiveAt: new Date(2_000), lastEventId: "$2" },
      ]);
    };
    const outcomes = await Promise.all([
      store.runOnce("c1", 1, apply),
      store.runOnce("c1", 1, apply),
    ]);
    expect(outcomes.sort()).toEqual(["applied", "duplicate"]);
    expect(await store.runOnce("c1", 1, apply)).toBe("duplicate");
    expect(applied).toBe(1);
    expect(await activity()).toEqual([{ user_id: "@ana:x", last_event_id: "$2" }]);
  });

  it("keeps the newest activity and rolls back everything on failure", async () => {
    const store = createPgTransactionStore(pool);
    await store.runOnce("old", 1, (fx) =>
      fx.recordUserActivity([
        { userId: "@ana:x", lastActiveAt: new Date(1_000), lastEventId: "$1" },
      ]),
    );
    expect(await activity()).toEqual([{ user_id: "@ana:x", last_event_id: "$2" }]);

    await expect(
      store.runOnce("boom", 1, async (fx) => {
        await fx.recordUserActivity([
          { userId: "@ben:x", lastActiveAt: new Date(3_000), lastEventId: "$3" },
        ]);
        throw new Error("effect failed");
      }),
    ).rejects.toThrow("effect failed");
    expect(await activity()).toEqual([{ user_id: "@ana:x", last_event_id: "$2" }]);
    // The failed id was not recorded, so the homeserver's retry is applied.
    expect(await store.runOnce("boom", 1, async () => {})).toBe("applied");
  });

  it("keeps events in the inbox with their transaction until they are marked handled", async () => {
    const store = createPgTransactionStore(pool);
    const event = (id: string) => ({
      type: "m.room.message",
      room_id: "!r:x",
      sender: "@ana:x",
      event_id: id,
      content: { msgtype: "m.text", body: id },
    });
    await store.runOnce("inbox-1", 2, (fx) => fx.keepUntilHandled([event("$b"), event("$a")]));
    await expect(
      store.runOnce("inbox-2", 1, async (fx) => {
        await fx.keepUntilHandled([event("$lost")]);
        throw new Error("effect failed");
      }),
    ).rejects.toThrow("effect failed");
    await store.runOnce("inbox-3", 1, (fx) => fx.keepUntilHandled([event("$c")]));
    expect((await store.unhandled()).map((kept) => kept.event_id)).toEqual(["$b", "$a", "$c"]);
    expect((await store.unhandled())[0]).toEqual(event("$b"));

    await store.markHandled(["$a", "$b"]);
    expect((await store.unhandled()).map((kept) => kept.event_id)).toEqual(["$c"]);
  });

  describe("drained by two replicas", () => {
    const event = (room: string, id: string) => ({
      type: "m.room.message",
      room_id: room,
      sender: "@ana:x",
      event_id: id,
      content: { msgtype: "m.text", body: id },
    });
    let other: pg.Pool;
    beforeAll(async () => {
      // A second pool is a second replica: its own connections, its own sessions.
      other = await openMigratedTestPool();
      await pool.query("TRUNCATE appservice_inbox");
    });
    afterAll(async () => {
      await other?.end();
    });

    it("hands a room's events to one replica at a time, oldest first, each once", async () => {
      const [a, b] = [createPgTransactionStore(pool), createPgTransactionStore(other)];
      await a.runOnce("drain-1", 2, (fx) =>
        fx.keepUntilHandled([event("!one:x", "$1"), event("!one:x", "$2")]),
      );
      await b.runOnce("drain-2", 1, (fx) => fx.keepUntilHandled([event("!two:x", "$other")]));
      expect((await a.roomsWithUnhandled()).sort()).toEqual(["!one:x", "!two:x"]);

      const seen: string[] = [];
      let release = () => {};
      const firstHandled = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered = () => {};
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const draining = a.drainRoom("!one:x", async (kept) => {
        seen.push(`a ${kept.event_id}`);
        entered();
        await firstHandled;
      });
      await inside;
      // While A holds the room, B gets nothing of it and says so at once; a later event of the
      // room, kept by B, is taken by A in order.
      await b.runOnce("drain-3", 1, (fx) => fx.keepUntilHandled([event("!one:x", "$3")]));
      await expect(
        b.drainRoom("!one:x", async (kept) => void seen.push(`b ${kept.event_id}`)),
      ).resolves.toBe(false);
      // Another room is free.
      await expect(
        b.drainRoom("!two:x", async (kept) => void seen.push(`b ${kept.event_id}`)),
      ).resolves.toBe(true);
      release();
      await expect(draining).resolves.toBe(true);
      expect(seen).toEqual(["a $1", "b $other", "a $2", "a $3"]);
      expect(await a.roomsWithUnhandled()).toEqual([]);
    });

    it("lets go of a room when its holder's connection dies, leaving the event for the next", async () => {
      const [a, b] = [createPgTransactionStore(pool), createPgTransactionStore(other)];
      await a.runOnce("drain-4", 1, (fx) => fx.keepUntilHandled([event("!three:x", "$4")]));
      let entered = () => {};
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const dying = a.drainRoom("!three:x", async () => {
        entered();
        // The process is killed here: its session ends, as a SIGKILL ends it.
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
           WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        throw new Error("killed");
      });
      await inside;
      await expect(dying).rejects.toThrow();
      const seen: string[] = [];
      await expect(
        b.drainRoom("!three:x", async (kept) => void seen.push(kept.event_id)),
      ).resolves.toBe(true);
      expect(seen).toEqual(["$4"]);
    });
  });
});
