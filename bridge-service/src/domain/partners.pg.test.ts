import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { runMigrations } from "../store/pg/migrations.js";
import { createPgTransactionStore } from "../store/pg/transactionStore.js";
import { createPgPartnerContext } from "../testing/partnerHarness.js";
import { MAX_PENDING_INCOMING } from "./matching.js";
import {
  acceptRequest,
  blockUser,
  changeProfile,
  createMissingPartnerRooms,
  declineRequest,
  findPartners,
  listPartners,
  listReports,
  listRequests,
  publishPendingProfiles,
  refreshDisplayName,
  reportUser,
  requestPartner,
  saveProfile,
  unblockUser,
} from "./partners.js";
import { emptyProfileInput, type ProfileInput } from "./profiles.js";
import { Refusal } from "./refusal.js";

// Runs in the e2e project against a database of its own on the harness's real PostgreSQL.
const databaseUrl = process.env.BRIDGE_TEST_DATABASE_URL;

const SPANISH_SPEAKER: ProfileInput = {
  ...emptyProfileInput(),
  native: ["es"],
  learning: [{ language: "en", level: "B1" }],
  interests: ["hiking"],
  timezone: "Europe/Madrid",
  availability: [{ day: 0, start: "18:00", end: "21:00" }],
};

const ENGLISH_SPEAKER: ProfileInput = {
  ...emptyProfileInput(),
  native: ["en"],
  learning: [{ language: "es", level: "B1" }],
  interests: ["hiking", "jazz"],
  timezone: "Europe/London",
  availability: [{ day: 0, start: "17:00", end: "20:00" }],
};

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("partner matching on PostgreSQL", () => {
  if (!databaseUrl) throw new Error("BRIDGE_TEST_DATABASE_URL is not set; run it through npm test");
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
    await runMigrations(pool, createLogger("silent"));
  });

  beforeEach(async () => {
    await pool.query(
      `TRUNCATE profiles, partner_requests, partnerships, blocks, reports, user_presence,
        user_activity, appservice_transactions`,
    );
  });

  afterAll(async () => {
    await pool?.end();
  });

  const setUp = (options?: Parameters<typeof createPgPartnerContext>[1]) =>
    createPgPartnerContext(pool, options);

  describe("profiles", () => {
    it("stores canonical codes and publishes the saved profile", async () => {
      const { ctx, published } = setUp();
      const profile = await saveProfile(ctx, "@ana:localhost", {
        ...SPANISH_SPEAKER,
        native: ["ES"],
        learning: [{ language: "pt-br", level: "a2" as "A2" }],
        interests: ["  Hiking ", "hiking", "Jazz  Music"],
      });
      expect(profile.native).toEqual(["es"]);
      expect(profile.learning).toEqual([{ language: "pt-BR", level: "A2" }]);
      expect(profile.interests).toEqual(["hiking", "jazz music"]);
      expect(profile.displayName).toBe("Name of @ana:localhost");
      expect(published).toEqual(["@ana:localhost"]);
      const { rows } = await pool.query(
        "SELECT exchange_keys, published_at = updated_at AS published FROM profiles",
      );
      expect(rows).toEqual([{ exchange_keys: ["es>pt"], published: true }]);
    });

    it.each([
      [{ native: ["xx"] }, "native[0]", /"xx" is not a language code/],
      [
        { learning: [{ language: "en", level: "Z9" }] },
        "learning[0].level",
        /"Z9" is not a CEFR level/,
      ],
      [{ interests: Array.from({ length: 10_000 }, (_, i) => `i${i}`) }, "interests", /at most 20/],
      [{ timezone: "Mars/Olympus" }, "timezone", /not an IANA time zone/],
      [{ learning: [{ language: "es", level: "B1" }] }, "learning", /already one of your native/],
      [
        { availability: [{ day: 7, start: "10:00", end: "11:00" }] },
        "availability[0].day",
        /Monday/,
      ],
      [
        { availability: [{ day: 1, start: "11:00", end: "10:00" }] },
        "availability[0]",
        /end after/,
      ],
    ])("refuses %j naming the field, and writes nothing", async (change, field, message) => {
      const { ctx } = setUp();
      const refusal = await refusalOf(
        saveProfile(ctx, "@ana:localhost", {
          ...SPANISH_SPEAKER,
          ...(change as Partial<ProfileInput>),
        }),
      );
      expect(refusal.reason).toBe("invalid_profile");
      expect(refusal.field).toBe(field);
      expect(refusal.message).toMatch(message);
      expect((await pool.query("SELECT count(*)::int AS n FROM profiles")).rows[0].n).toBe(0);
    });

    it("applies concurrent piecemeal changes without losing either", async () => {
      const { ctx } = setUp();
      await Promise.all([
        changeProfile(ctx, "@ana:localhost", (p) => ({ ...p, native: ["es"] })),
        changeProfile(ctx, "@ana:localhost", (p) => ({ ...p, interests: ["chess"] })),
        changeProfile(ctx, "@ana:localhost", (p) => ({ ...p, timezone: "Asia/Tokyo" })),
      ]);
      const { rows } = await pool.query(
        "SELECT native_languages, interests, timezone FROM profiles",
      );
      expect(rows).toEqual([
        { native_languages: ["es"], interests: ["chess"], timezone: "Asia/Tokyo" },
      ]);
    });

    it("takes a learner's new Matrix display name, holding it to the rules for names", async () => {
      const { ctx } = setUp();
      const remote = "@rémi:other.example:8448";
      await saveProfile(ctx, remote, SPANISH_SPEAKER);
      expect(await refreshDisplayName(ctx, remote, "  Rémi R.  ")).toBe(true);
      expect((await ctx.profiles.get(remote))?.displayName).toBe("Rémi R.");
      expect(await refreshDisplayName(ctx, remote, "Rémi R.")).toBe(false);
      // Hostile or broken names from another server leave the stored one as it was.
      for (const bad of [
        "x".repeat(10_000),
        "Ad\u202emin",
        "two\nlines",
        "",
        42,
        { name: "x" },
        null,
      ]) {
        const started = performance.now();
        expect(await refreshDisplayName(ctx, remote, bad)).toBe(false);
        expect(performance.now() - started).toBeLessThan(500);
      }
      expect((await ctx.profiles.get(remote))?.displayName).toBe("Rémi R.");
      // Someone without a profile gets none from a name change.
      expect(await refreshDisplayName(ctx, "@nobody:other.example", "Nobody")).toBe(false);
      expect(await ctx.profiles.get("@nobody:other.example")).toBeUndefined();
    });

    it("republishes profiles whose publication failed", async () => {
      const { ctx, published } = setUp();
      const failing = {
        ...ctx,
        matrix: { ...ctx.matrix, publishProfile: () => Promise.reject(new Error("down")) },
      };
      await saveProfile(failing, "@ana:localhost", SPANISH_SPEAKER);
      expect(published).toEqual([]);
      expect(await publishPendingProfiles(ctx)).toBe(1);
      expect(published).toEqual(["@ana:localhost"]);
      expect(await publishPendingProfiles(ctx)).toBe(0);
    });
  });

  describe("suggestions and requests", () => {
    it("suggests only reciprocal, discoverable, unblocked, unconnected learners", async () => {
      const { ctx } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@cat:other.org", { ...ENGLISH_SPEAKER, native: ["en-GB"] });
      await saveProfile(ctx, "@dan:localhost", { ...ENGLISH_SPEAKER, discoverable: false });
      await saveProfile(ctx, "@eve:localhost", {
        ...ENGLISH_SPEAKER,
        learning: [{ language: "fr", level: "A1" }],
      });
      await saveProfile(ctx, "@fay:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@gil:localhost", ENGLISH_SPEAKER);
      await blockUser(ctx, "@gil:localhost", "@ana:localhost");

      const ids = async () =>
        (await findPartners(ctx, "@ana:localhost", { limit: 20 })).map((s) => s.userId);
      expect((await ids()).sort()).toEqual(["@ben:localhost", "@cat:other.org"]);

      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      expect(await ids()).toEqual(["@cat:other.org"]);
      await acceptRequest(ctx, "@ben:localhost", request.id);
      expect(await ids()).toEqual(["@cat:other.org"]);
      await unblockUser(ctx, "@gil:localhost", "@ana:localhost");
      expect((await ids()).sort()).toEqual(["@cat:other.org", "@gil:localhost"]);
    });

    it("explains each suggestion in words", async () => {
      const { ctx } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      const [suggestion] = await findPartners(ctx, "@ana:localhost", { limit: 5 });
      expect(suggestion?.summary).toBe(
        "native English, learning Spanish B1 · 3 h overlap a week · both like hiking",
      );
    });

    it("refuses suggestions to learners without a complete profile", async () => {
      const { ctx } = setUp();
      expect((await refusalOf(findPartners(ctx, "@ana:localhost", { limit: 5 }))).reason).toBe(
        "profile_missing",
      );
      await changeProfile(ctx, "@ana:localhost", (p) => ({ ...p, native: ["es"] }));
      expect((await refusalOf(findPartners(ctx, "@ana:localhost", { limit: 5 }))).reason).toBe(
        "profile_incomplete",
      );
    });

    it("refuses requests to non-matches, to oneself and twice to the same learner", async () => {
      const { ctx, told } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@fay:localhost", SPANISH_SPEAKER);
      expect(
        (await refusalOf(requestPartner(ctx, "@ana:localhost", "@fay:localhost"))).reason,
      ).toBe("not_a_match");
      expect(
        (await refusalOf(requestPartner(ctx, "@ana:localhost", "@ana:localhost"))).reason,
      ).toBe("cannot_target_self");
      expect((await refusalOf(requestPartner(ctx, "@ana:localhost", "ben"))).reason).toBe(
        "invalid_user_id",
      );
      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      expect(told).toEqual([{ kind: "received", requestId: request.id }]);
      expect(
        (await refusalOf(requestPartner(ctx, "@ana:localhost", "@ben:localhost"))).reason,
      ).toBe("request_exists");
    });

    it("treats asking someone who already asked you as accepting", async () => {
      const { ctx, rooms } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      const result = await requestPartner(ctx, "@ben:localhost", "@ana:localhost");
      expect(result.request.status).toBe("accepted");
      expect(result.partnership?.roomId).toBe("!room1:localhost");
      expect(rooms).toEqual([
        { requester: "@ana:localhost", recipient: "@ben:localhost", roomId: "!room1:localhost" },
      ]);
    });

    it(`never lets anyone hold more than ${MAX_PENDING_INCOMING} pending requests, even when asked at once`, async () => {
      const { ctx } = setUp();
      await saveProfile(ctx, "@popular:localhost", ENGLISH_SPEAKER);
      const askers = Array.from(
        { length: MAX_PENDING_INCOMING + 5 },
        (_, i) => `@asker${i}:localhost`,
      );
      for (const asker of askers) await saveProfile(ctx, asker, SPANISH_SPEAKER);
      const results = await Promise.allSettled(
        askers.map((asker) => requestPartner(ctx, asker, "@popular:localhost")),
      );
      const refused = results
        .filter((r) => r.status === "rejected")
        .map((r) => (r.reason as Refusal).reason);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_PENDING_INCOMING);
      expect(refused).toEqual(Array(5).fill("partner_unavailable"));
      // A full inbox is not suggested to anyone else either.
      await saveProfile(ctx, "@late:localhost", SPANISH_SPEAKER);
      expect(await findPartners(ctx, "@late:localhost", { limit: 5 })).toEqual([]);
    });

    it("accepts and declines only the recipient's own pending requests", async () => {
      const { ctx, told, rooms } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@cat:localhost", ENGLISH_SPEAKER);
      const toBen = (await requestPartner(ctx, "@ana:localhost", "@ben:localhost")).request;
      const toCat = (await requestPartner(ctx, "@ana:localhost", "@cat:localhost")).request;
      expect((await listRequests(ctx, "@ben:localhost")).incoming.map((r) => r.id)).toEqual([
        toBen.id,
      ]);
      expect((await listRequests(ctx, "@ana:localhost")).outgoing.map((r) => r.id)).toEqual([
        toBen.id,
        toCat.id,
      ]);

      expect((await refusalOf(acceptRequest(ctx, "@ana:localhost", toBen.id))).reason).toBe(
        "request_not_found",
      );
      expect((await refusalOf(acceptRequest(ctx, "@cat:localhost", toBen.id))).reason).toBe(
        "request_not_found",
      );
      expect((await refusalOf(acceptRequest(ctx, "@ben:localhost", "not-a-uuid"))).reason).toBe(
        "request_not_found",
      );

      const partnership = await acceptRequest(ctx, "@ben:localhost", toBen.id);
      expect(partnership).toMatchObject({
        roomId: "!room1:localhost",
        partner: { userId: "@ana:localhost", native: ["es"] },
      });
      expect(rooms).toHaveLength(1);
      expect(told.at(-1)).toEqual({
        kind: "accepted",
        requestId: toBen.id,
        roomId: "!room1:localhost",
      });
      expect((await refusalOf(acceptRequest(ctx, "@ben:localhost", toBen.id))).reason).toBe(
        "request_not_found",
      );

      const declined = await declineRequest(ctx, "@cat:localhost", toCat.id);
      expect(declined.status).toBe("declined");
      expect((await listPartners(ctx, "@ana:localhost")).map((p) => p.partner.userId)).toEqual([
        "@ben:localhost",
      ]);
      expect((await listPartners(ctx, "@ben:localhost")).map((p) => p.partner.userId)).toEqual([
        "@ana:localhost",
      ]);
      expect(await listRequests(ctx, "@ana:localhost")).toEqual({ incoming: [], outgoing: [] });
    });

    it("creates the room later when the homeserver was down at acceptance", async () => {
      const { ctx, rooms, setRoomCreationFails } = setUp({ failRoomCreation: true });
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      const partnership = await acceptRequest(ctx, "@ben:localhost", request.id);
      expect(partnership.roomId).toBeNull();

      setRoomCreationFails(false);
      expect(await createMissingPartnerRooms(ctx)).toBe(1);
      expect(rooms).toEqual([
        { requester: "@ana:localhost", recipient: "@ben:localhost", roomId: "!room1:localhost" },
      ]);
      expect((await listPartners(ctx, "@ana:localhost"))[0]?.roomId).toBe("!room1:localhost");
      expect(await createMissingPartnerRooms(ctx)).toBe(0);
    });

    it("does not create a room twice while another attempt holds the claim", async () => {
      const { ctx } = setUp({ failRoomCreation: true });
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      await acceptRequest(ctx, "@ben:localhost", request.id);
      // Another bridge instance started creating the room a moment ago and is still at it.
      await pool.query("UPDATE partnerships SET room_creation_started_at = now()");
      const other = setUp();
      expect(await createMissingPartnerRooms(other.ctx)).toBe(0);
      // Once its claim is stale it is presumed dead, and the room is created exactly once.
      await pool.query(
        "UPDATE partnerships SET room_creation_started_at = now() - interval '1 hour'",
      );
      expect(await createMissingPartnerRooms(other.ctx)).toBe(1);
      expect(await createMissingPartnerRooms(other.ctx)).toBe(0);
      expect(other.rooms).toHaveLength(1);
    });

    it("blocking cancels open requests and ends the partnership and its room", async () => {
      const { ctx, rooms, ended } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@cat:localhost", ENGLISH_SPEAKER);
      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      await acceptRequest(ctx, "@ben:localhost", request.id);
      await requestPartner(ctx, "@cat:localhost", "@ana:localhost");

      await blockUser(ctx, "@ana:localhost", "@ben:localhost");
      await blockUser(ctx, "@ana:localhost", "@cat:localhost");
      expect(await listPartners(ctx, "@ana:localhost")).toEqual([]);
      expect((await listRequests(ctx, "@ana:localhost")).incoming).toEqual([]);
      expect(
        (await refusalOf(requestPartner(ctx, "@ben:localhost", "@ana:localhost"))).reason,
      ).toBe("partner_unavailable");
      // Ben had a room with Ana; Cat only a request.
      expect(ended).toEqual([{ roomId: rooms[0]?.roomId, blockedUserId: "@ben:localhost" }]);
    });

    it("blocks even when the partner room cannot be ended", async () => {
      const { ctx } = setUp();
      const failing = {
        ...ctx,
        matrix: { ...ctx.matrix, endPartnerRoom: () => Promise.reject(new Error("down")) },
      };
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      const { request } = await requestPartner(ctx, "@ana:localhost", "@ben:localhost");
      await acceptRequest(ctx, "@ben:localhost", request.id);
      await blockUser(failing, "@ben:localhost", "@ana:localhost");
      expect(await listPartners(ctx, "@ben:localhost")).toEqual([]);
    });
  });

  describe("presence and activity", () => {
    it("ranks the learner who was active recently first", async () => {
      const { ctx } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@cat:localhost", ENGLISH_SPEAKER);
      const ranked = async () =>
        (await findPartners(ctx, "@ana:localhost", { limit: 5 })).map((s) => s.userId);
      expect(await ranked()).toEqual(["@ben:localhost", "@cat:localhost"]);
      const store = createPgTransactionStore(pool);
      await store.runOnce("txn-activity", 1, (effects) =>
        effects.recordUserActivity([
          { userId: "@cat:localhost", lastActiveAt: new Date(), lastEventId: "$recent" },
        ]),
      );
      expect(await ranked()).toEqual(["@cat:localhost", "@ben:localhost"]);
    });

    it("marks suggestions online from presence the homeserver pushed", async () => {
      const { ctx } = setUp();
      await saveProfile(ctx, "@ana:localhost", SPANISH_SPEAKER);
      await saveProfile(ctx, "@ben:localhost", ENGLISH_SPEAKER);
      await saveProfile(ctx, "@cat:localhost", ENGLISH_SPEAKER);
      const store = createPgTransactionStore(pool);
      await store.runOnce("txn-1", 0, (effects) =>
        effects.recordPresence([{ userId: "@cat:localhost", presence: "online", at: new Date() }]),
      );
      const suggestions = await findPartners(ctx, "@ana:localhost", { limit: 5 });
      expect(suggestions.map((s) => [s.userId, s.online])).toEqual([
        ["@cat:localhost", true],
        ["@ben:localhost", false],
      ]);
      expect(suggestions[0]?.summary).toMatch(/online now$/);
    });
  });

  describe("reports", () => {
    it("files a report with evidence and refuses malformed ones", async () => {
      const { ctx } = setUp();
      const report = await reportUser(ctx, "@ana:localhost", {
        userId: "@ben:localhost",
        reason: "  Rude messages ",
        eventIds: ["$abc:localhost", "$def:localhost", "$abc:localhost"],
        roomId: "!room:localhost",
      });
      expect(report).toMatchObject({
        reason: "Rude messages",
        eventIds: ["$abc:localhost", "$def:localhost"],
      });
      expect((await listReports(ctx)).map((r) => r.id)).toEqual([report.id]);
      const bad = await refusalOf(
        reportUser(ctx, "@ana:localhost", {
          userId: "@ben:localhost",
          reason: "x",
          eventIds: ["abc"],
        }),
      );
      expect([bad.reason, bad.field]).toEqual(["invalid_report", "event_ids[0]"]);
      const empty = await refusalOf(
        reportUser(ctx, "@ana:localhost", { userId: "@ben:localhost", reason: " " }),
      );
      expect(empty.field).toBe("reason");
    });

    it("takes room and event ids of every room version, and refuses look-alikes", async () => {
      const { ctx } = setUp();
      const v12Room = "!Hn9Qs5YkQsfvGXfNcqxbUWzAhJwSzhmaQDBeEYFa-_Q";
      const v4Event = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";
      const report = await reportUser(ctx, "@ana:localhost", {
        userId: "@ben:localhost",
        reason: "Rude",
        eventIds: [v4Event],
        roomId: v12Room,
      });
      expect(report).toMatchObject({ eventIds: [v4Event], roomId: v12Room });
      for (const roomId of ["!room", "!room:", `${v12Room}=`, "#room:localhost"]) {
        const bad = await refusalOf(
          reportUser(ctx, "@ana:localhost", { userId: "@ben:localhost", reason: "x", roomId }),
        );
        expect([bad.reason, bad.field]).toEqual(["invalid_report", "room_id"]);
      }
    });
  });
});
