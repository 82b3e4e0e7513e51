import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgBotStore } from "./botStore.js";

describe("PostgreSQL bot store: command runs", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool({ max: 4 });
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("tells a second run of a command about the first and the request it picked", async () => {
    const store = createPgBotStore(pool);
    const eventId = `$${randomUUID()}`;
    const runs = await Promise.all([store.startCommand(eventId), store.startCommand(eventId)]);
    // Exactly one of two simultaneous starts is the first.
    expect(runs.filter((run) => run === undefined)).toHaveLength(1);
    expect(runs.find((run) => run !== undefined)).toEqual({ target: undefined });

    const target = {
      requestId: randomUUID(),
      requester: { userId: "@ben:localhost", displayName: "Ben" },
      recipient: { userId: "@ana:localhost", displayName: "Ana" },
      createdAt: new Date("2026-01-05T12:00:00Z").toISOString(),
    };
    await store.noteTarget(eventId, target);
    expect(await store.startCommand(eventId)).toEqual({ target });

    await store.forgetRepliesBefore(new Date(Date.now() + 60_000));
    expect(await store.startCommand(eventId)).toBeUndefined();
  });
});
