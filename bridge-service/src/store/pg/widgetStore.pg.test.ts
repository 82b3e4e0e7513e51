import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgWidgetBackfillStore, partnerEntryOf } from "./widgetStore.js";

describe("PostgreSQL widget store", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 4 });
    await pool.query("TRUNCATE partner_room_widget_backfill");
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("lets one of two simultaneous claims through, and takes over a stale one", async () => {
    const store = createPgWidgetBackfillStore(pool);
    await pool.query(
      "INSERT INTO partner_room_widget_backfill (room_id) VALUES ('!b:x'), ('!a:x'), ('!c:x')",
    );
    expect(await store.roomsAwaitingWidget("", 10)).toEqual(["!a:x", "!b:x", "!c:x"]);
    expect(await store.roomsAwaitingWidget("!a:x", 1)).toEqual(["!b:x"]);

    const now = new Date();
    const claims = await Promise.all(
      Array.from({ length: 4 }, () => store.claimWidgetRoom("!a:x", now, 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // A claim older than the stale bound belongs to a replica that died.
    const later = new Date(now.getTime() + 61_000);
    expect(await store.claimWidgetRoom("!a:x", later, 60_000)).toBe(true);

    await store.markWidgetAdded("!a:x", later);
    expect(await store.claimWidgetRoom("!a:x", new Date(later.getTime() + 600_000), 60_000)).toBe(
      false,
    );
    expect(await store.roomsAwaitingWidget("", 10)).toEqual(["!b:x", "!c:x"]);

    expect(await store.claimWidgetRoom("!b:x", now, 60_000)).toBe(true);
    await store.releaseWidgetRoom("!b:x");
    expect(await store.claimWidgetRoom("!b:x", now, 60_000)).toBe(true);
    // Rooms never listed (made with the widget) are never claimed.
    expect(await store.claimWidgetRoom("!new:x", now, 60_000)).toBe(false);
  });

  it("finds a partner organisation's learner with the organisation's name", async () => {
    await pool.query("DELETE FROM directory_entries WHERE server_name = 'widget.example'");
    await pool.query("DELETE FROM directory_rooms WHERE server_name = 'widget.example'");
    await pool.query(
      `INSERT INTO directory_rooms (server_name, room_id, organisation_name)
       VALUES ('widget.example', '!dir:widget.example', 'Widget School')`,
    );
    await pool.query(
      `INSERT INTO directory_entries (user_id, server_name, display_name, native_languages,
         learning, exchange_keys, interests, timezone, availability, updated_at)
       VALUES ('@zoe:widget.example', 'widget.example', 'Zoe', '{en}',
         '[{"language":"es","level":"B2"}]', '{en>es}', '{}', 'UTC', '[]', now())`,
    );
    expect(await partnerEntryOf(pool, "@zoe:widget.example")).toEqual({
      displayName: "Zoe",
      native: ["en"],
      learning: [{ language: "es", level: "B2" }],
      organisation: "Widget School",
    });
    expect(await partnerEntryOf(pool, "@nobody:widget.example")).toBeUndefined();
  });
});
