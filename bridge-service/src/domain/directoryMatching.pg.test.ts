import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDirectoryStore } from "../store/pg/directoryStore.js";
import { createPgPartnerContext } from "../testing/partnerHarness.js";
import { openMigratedTestPool } from "../testing/pgHarness.js";
import { type DirectoryContext, remoteLearners } from "./directory.js";
import { offeredExchanges } from "./matching.js";
import { blockUser, findPartners, saveProfile } from "./partners.js";
import { emptyProfileInput } from "./profiles.js";

const PARTNER = "madrid.example";

describe("suggestions with a partner's directory, on PostgreSQL", () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openMigratedTestPool();
  });

  afterAll(async () => {
    await pool?.end();
  });

  it("suggests a partner's learner beside local ones, names the organisation and honours blocks", async () => {
    const { ctx: local } = createPgPartnerContext(pool);
    const store = createPgDirectoryStore(pool);
    const directory = { store, partners: [PARTNER] } as unknown as DirectoryContext;
    const ctx = { ...local, remoteLearners: remoteLearners(directory) };
    const me = `@me${Date.now()}:here.example`;
    await saveProfile(ctx, me, {
      ...emptyProfileInput(),
      native: ["en"],
      learning: [{ language: "es", level: "B1" }],
      interests: ["jazz"],
    });
    await store.saveRoom({
      serverName: PARTNER,
      roomId: `!dir:${PARTNER}`,
      organisationName: "Escuela Madrid",
    });
    const lucia = {
      userId: `@lucia${Date.now()}:${PARTNER}`,
      serverName: PARTNER,
      displayName: "Lucía",
      native: ["es"],
      learning: [{ language: "en", level: "B1" as const }],
      interests: ["jazz"],
      timezone: "Europe/Madrid",
      availability: [],
      updatedAt: new Date(),
    };
    await store.upsertEntry({ ...lucia, exchangeKeys: offeredExchanges(lucia) });

    const found = await findPartners(ctx, me, { limit: 50 });
    const fromPartner = found.find((suggestion) => suggestion.userId === lucia.userId);
    expect(fromPartner?.organisation).toBe("Escuela Madrid");
    expect(fromPartner?.summary).toContain("from Escuela Madrid");
    // Without the directory (no partners), the same learner is not suggested.
    expect((await findPartners(local, me, { limit: 50 })).map((s) => s.userId)).not.toContain(
      lucia.userId,
    );
    // A block by our learner is enforced here, on our side.
    await blockUser(ctx, me, lucia.userId);
    expect((await findPartners(ctx, me, { limit: 50 })).map((s) => s.userId)).not.toContain(
      lucia.userId,
    );
  });
});
