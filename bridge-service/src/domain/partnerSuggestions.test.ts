import { describe, expect, it } from "vitest";
import { createInMemoryPartnerContext } from "../testing/memoryPartnerContext.js";
import { findPartners } from "./partnerSuggestions.js";
import { saveProfile } from "./partners.js";
import type { ProfileInput } from "./profiles.js";

const ANA = "@ana:localhost";
const BEN = "@ben:localhost";
const CARL = "@carl:localhost";

const speaks = (native: string, learns: string): ProfileInput => ({
  native: [native],
  learning: [{ language: learns, level: "B1" }],
  interests: [],
  timezone: "Europe/Madrid",
  availability: [],
  bio: "",
  discoverable: true,
});

describe("findPartners with the organisation's bans", () => {
  it("never suggests a learner this organisation banned, and still suggests the others", async () => {
    const banned = new Set<string>();
    const { ctx } = createInMemoryPartnerContext();
    ctx.localBans = async () => banned;
    await saveProfile(ctx, ANA, speaks("es", "en"), { displayName: "Ana" });
    await saveProfile(ctx, BEN, speaks("en", "es"), { displayName: "Ben" });
    await saveProfile(ctx, CARL, speaks("en", "es"), { displayName: "Carl" });
    const suggested = async () =>
      (await findPartners(ctx, ANA, { limit: 10 })).map((s) => s.profile.userId).sort();

    expect(await suggested()).toEqual([BEN, CARL]);
    banned.add(BEN);
    expect(await suggested()).toEqual([CARL]);
    banned.delete(BEN);
    expect(await suggested()).toEqual([BEN, CARL]);
  });
});
