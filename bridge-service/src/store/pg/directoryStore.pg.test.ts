import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import type { StoredEntry } from "../directoryStore.js";
import { createPgDirectoryStore } from "./directoryStore.js";

const B = "b.example";
const C = "c.example";

function entry(userId: string, fields: Partial<StoredEntry> = {}): StoredEntry {
  return {
    userId,
    serverName: userId.slice(userId.indexOf(":") + 1),
    displayName: userId.slice(1, userId.indexOf(":")),
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    exchangeKeys: ["es>en"],
    interests: ["jazz"],
    timezone: "Europe/Madrid",
    availability: [{ day: 1, start: "18:00", end: "20:00" }],
    updatedAt: new Date("2025-01-15T12:00:00Z"),
    ...fields,
  };
}

describe("PostgreSQL directory store", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
    await pool.query(
      "TRUNCATE directory_entries, directory_rooms, directory_publications, directory_opt_ins",
    );
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("rebuilds a partner's entries in batches, finds them by exchange key and forgets them with the pairing", async () => {
    const store = createPgDirectoryStore(pool);
    await store.saveRoom({ serverName: B, roomId: `!dir:${B}`, organisationName: "School B" });
    await store.saveRoom({ serverName: C, roomId: `!dir:${C}`, organisationName: "School C" });
    const many = Array.from({ length: 2_500 }, (_, i) =>
      entry(`@learner${i}:${B}`, { updatedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000) }),
    );
    // An entry of another server slipped into B's list is not B's to publish.
    await store.replaceEntries(B, [...many, entry(`@intruder:${C}`)]);
    await store.replaceEntries(C, [entry(`@carol:${C}`)]);
    expect(await store.countEntries(B)).toBe(2_500);
    expect(await store.countEntries(C)).toBe(1);

    const found = await store.findCandidates(["es>en"], [B], new Set([`@learner2499:${B}`]), 3);
    expect(found.map((match) => match.entry.userId)).toEqual([
      `@learner2498:${B}`,
      `@learner2497:${B}`,
      `@learner2496:${B}`,
    ]);
    expect(found[0]?.organisation).toBe("School B");
    expect(found[0]?.entry.learning).toEqual([{ language: "en", level: "B1" }]);
    expect(await store.findCandidates(["en>es"], [B, C], new Set(), 3)).toEqual([]);

    expect(await store.forgetServer(B)).toBe(2_500);
    expect(await store.findCandidates(["es>en"], [B, C], new Set(), 5)).toHaveLength(1);
    expect(await store.roomOfServer(B)).toBeUndefined();
  });

  it("keeps the newer version of an entry when an older one is replayed", async () => {
    const store = createPgDirectoryStore(pool);
    const userId = `@replayed:${C}`;
    const newer = entry(userId, { displayName: "Newer", updatedAt: new Date(2_000_000) });
    expect(await store.upsertEntry(newer)).toBe(true);
    const older = entry(userId, { displayName: "Older", updatedAt: new Date(1_000_000) });
    expect(await store.upsertEntry(older)).toBe(false);
    const [match] = await store.findCandidates(["es>en"], [C], new Set([`@carol:${C}`]), 5);
    expect(match?.entry.displayName).toBe("Newer");
    await store.removeEntry(userId);
    expect(await store.countEntries(C)).toBe(1);
  });

  it("finds entries by the keys they offer now: once each, newest first, never by a key they dropped", async () => {
    const store = createPgDirectoryStore(pool);
    const D = "d.example";
    await store.saveRoom({ serverName: D, roomId: `!dir:${D}`, organisationName: "School D" });
    const at = (minutes: number) => new Date(Date.UTC(2025, 0, 2) + minutes * 60_000);
    const both = entry(`@both:${D}`, { exchangeKeys: ["fr>de", "it>de"], updatedAt: at(3) });
    await store.replaceEntries(D, [
      both,
      entry(`@french:${D}`, { exchangeKeys: ["fr>de"], updatedAt: at(2) }),
      entry(`@italian:${D}`, { exchangeKeys: ["it>de"], updatedAt: at(1) }),
    ]);
    const ids = async (keys: string[], limit = 10) =>
      (await store.findCandidates(keys, [D], new Set(), limit)).map((m) => m.entry.userId);
    expect(await ids(["fr>de", "it>de"])).toEqual([`@both:${D}`, `@french:${D}`, `@italian:${D}`]);
    expect(await ids(["fr>de", "it>de"], 2)).toEqual([`@both:${D}`, `@french:${D}`]);
    // A newer version offering other keys: found by those only, and first.
    await store.upsertEntry({ ...both, exchangeKeys: ["pt>de"], updatedAt: at(10) });
    expect(await ids(["fr>de", "it>de"])).toEqual([`@french:${D}`, `@italian:${D}`]);
    expect(await ids(["pt>de", "it>de"])).toEqual([`@both:${D}`, `@italian:${D}`]);
    await store.removeEntry(`@italian:${D}`);
    expect(await ids(["it>de"])).toEqual([]);
    expect(await store.forgetServer(D)).toBe(2);
    expect(await ids(["fr>de", "pt>de"])).toEqual([]);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM directory_entry_keys WHERE server_name = $1",
      [D],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("records every published version and keeps only the clearing one after redaction", async () => {
    const store = createPgDirectoryStore(pool);
    const userId = "@ana:a.example";
    await store.setOptedIn(userId, true, new Date());
    expect(await store.isOptedIn(userId)).toBe(true);
    await store.recordPublication(userId, '{"v":1}', "$one");
    await store.recordPublication(userId, '{"v":2}', "$two");
    await store.recordPublication(userId, '{"v":2}', "$two");
    await store.recordPublication(userId, null, "$cleared");
    expect(await store.publicationOf(userId)).toEqual({
      content: null,
      eventIds: ["$one", "$two", "$cleared"],
    });
    await store.forgetEvents(userId, ["$cleared"]);
    expect((await store.publicationOf(userId))?.eventIds).toEqual(["$cleared"]);
    await store.setOptedIn(userId, false, new Date());
    expect(await store.usersToReconcile()).toEqual([]);
  });
});
