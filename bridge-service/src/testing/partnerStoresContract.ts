// One set of expectations for the profile and partner stores, run against PostgreSQL
// (store/pg/partnerStores.pg.test.ts) and the in-memory stores the bot's tests use
// (store/memory/partnerStores.test.ts), so those tests check what production does.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { emptyProfileInput, type ProfileInput } from "../domain/profiles.js";
import type { PartnerStore } from "../store/partnerStore.js";
import type { ProfileStore, ProfileWrite } from "../store/profileStore.js";

export interface PartnerStores {
  profiles: ProfileStore;
  partners: PartnerStore;
}

const ANA = "@ana:localhost";
const BEN = "@ben:localhost";
const CAI = "@cai:other.example";
const DEE = "@dee:localhost";

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));

/** A profile offering `keys`; the store only indexes what it is given. */
const write = (input: Partial<ProfileInput>, keys: string[] = []): ProfileWrite => ({
  input: { ...emptyProfileInput(), ...input },
  exchangeKeys: keys,
});

const sortedIds = (records: { id: string }[]) => records.map((record) => record.id);

export function describePartnerStores(
  name: string,
  /** Fresh, empty stores for each test. */
  open: () => Promise<PartnerStores>,
): void {
  describe(`${name}: the profile and partner stores' contract`, () => {
    let profiles: ProfileStore;
    let partners: PartnerStore;

    beforeEach(async () => {
      ({ profiles, partners } = await open());
    });

    const request = async (from: string, to: string, second: number, max = 10) => {
      const result = await partners.createRequest(from, to, {
        maxPendingIncoming: max,
        now: at(second),
      });
      if (!("request" in result)) throw new Error(`request refused: ${result.refused}`);
      return result.request;
    };
    const refusalOf = async (from: string, to: string, max = 10) => {
      const result = await partners.createRequest(from, to, {
        maxPendingIncoming: max,
        now: at(50),
      });
      return "refused" in result ? result.refused : "stored";
    };

    describe("profiles", () => {
      it("creates a profile from nothing and changes it from what is stored", async () => {
        expect(await profiles.get(ANA)).toBeUndefined();
        const seen: unknown[] = [];
        const created = await profiles.update(
          ANA,
          "Ana",
          (current) => {
            seen.push(current);
            return write({ native: ["es"], interests: ["jazz"] }, ["es>en"]);
          },
          at(1),
        );
        expect(created).toMatchObject({
          userId: ANA,
          displayName: "Ana",
          native: ["es"],
          interests: ["jazz"],
          createdAt: at(1),
          updatedAt: at(1),
        });
        const changed = await profiles.update(
          ANA,
          "Ana M.",
          (current) => {
            seen.push(current);
            return write({ ...current, bio: "hola" });
          },
          at(1),
        );
        expect(seen).toEqual([undefined, created]);
        expect(changed).toMatchObject({ displayName: "Ana M.", native: ["es"], bio: "hola" });
        expect(changed.createdAt).toEqual(at(1));
        // Same clock reading, still a later version.
        expect(changed.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
        expect(await profiles.get(ANA)).toEqual(changed);
      });

      it("renames only an existing profile whose name differs", async () => {
        expect(await profiles.rename(ANA, "Ana")).toBe(false);
        await profiles.update(ANA, "Ana", () => write({}), at(1));
        expect(await profiles.rename(ANA, "Ana")).toBe(false);
        expect(await profiles.rename(ANA, "Ana Rose")).toBe(true);
        expect((await profiles.get(ANA))?.displayName).toBe("Ana Rose");
      });

      it("lists versions not yet published, oldest first, until marked", async () => {
        const ana = await profiles.update(ANA, "Ana", () => write({}), at(2));
        const ben = await profiles.update(BEN, "Ben", () => write({}), at(1));
        expect((await profiles.listUnpublished(10)).map((p) => p.userId)).toEqual([BEN, ANA]);
        expect((await profiles.listUnpublished(1)).map((p) => p.userId)).toEqual([BEN]);
        await profiles.markPublished(BEN, ben.updatedAt);
        await profiles.markPublished(ANA, ana.updatedAt);
        expect(await profiles.listUnpublished(10)).toEqual([]);
        // An older version marked late does not hide a newer one.
        const newer = await profiles.update(ANA, "Ana", (c) => write({ ...c, bio: "x" }), at(3));
        await profiles.markPublished(ANA, ana.updatedAt);
        expect(await profiles.listUnpublished(10)).toEqual([newer]);
      });

      it("finds discoverable profiles offering a sought exchange, minus those excluded", async () => {
        await profiles.update(ANA, "Ana", () => write({}, ["en>es"]), at(1));
        await profiles.update(BEN, "Ben", () => write({}, ["en>es", "en>fr"]), at(2));
        await profiles.update(CAI, "Cai", () => write({}, ["de>es"]), at(3));
        await profiles.update(DEE, "Dee", () => write({ discoverable: false }, ["en>es"]), at(4));
        const found = async (keys: string[], excluded: string[] = [], limit = 10) =>
          (await profiles.findCandidates(keys, new Set(excluded), limit)).map(
            (candidate) => candidate.profile.userId,
          );
        expect((await found(["en>es"])).sort()).toEqual([ANA, BEN]);
        expect(await found(["en>fr", "de>es"])).toEqual([CAI, BEN]);
        expect(await found(["en>es"], [BEN])).toEqual([ANA]);
        expect(await found(["fr>en"])).toEqual([]);
        expect(await found(["en>es", "de>es"], [], 1)).toHaveLength(1);
      });

      it("counts a learner's open incoming requests among their signals", async () => {
        await profiles.update(BEN, "Ben", () => write({}, ["en>es"]), at(1));
        expect((await profiles.signalsOf(BEN)).pendingIncoming).toBe(0);
        await request(ANA, BEN, 1);
        const declined = await request(CAI, BEN, 2);
        await request(DEE, BEN, 3);
        await partners.declineRequest(declined.id, BEN, at(4));
        expect((await profiles.signalsOf(BEN)).pendingIncoming).toBe(2);
        const [candidate] = await profiles.findCandidates(["en>es"], new Set(), 10);
        expect(candidate?.signals.pendingIncoming).toBe(2);
        expect((await profiles.signalsOf("@nobody:localhost")).pendingIncoming).toBe(0);
      });
    });

    describe("requests", () => {
      it("keeps one pending request per pair, whichever way, listed oldest first", async () => {
        const first = await request(BEN, ANA, 2);
        const second = await request(CAI, ANA, 1);
        const mine = await request(ANA, DEE, 3);
        expect(first).toMatchObject({
          requester: BEN,
          recipient: ANA,
          status: "pending",
          createdAt: at(2),
          decidedAt: undefined,
        });
        expect(await partners.getRequest(first.id)).toEqual(first);
        const { incoming, outgoing } = await partners.pendingRequestsOf(ANA);
        expect(sortedIds(incoming)).toEqual([second.id, first.id]);
        expect(outgoing).toEqual([mine]);
        expect(await refusalOf(BEN, ANA)).toBe("request_exists");
        expect(await refusalOf(ANA, BEN)).toBe("request_exists");
        expect([...(await partners.excludedFor(ANA))].sort()).toEqual([BEN, CAI, DEE]);
      });

      it("accepts only a pending request addressed to the one accepting", async () => {
        const asked = await request(BEN, ANA, 1);
        expect(await partners.acceptRequest(asked.id, BEN, at(2))).toBeUndefined();
        expect(await partners.declineRequest(asked.id, CAI, at(2))).toBeUndefined();
        const accepted = await partners.acceptRequest(asked.id, ANA, at(3));
        expect(accepted?.request).toMatchObject({ status: "accepted", decidedAt: at(3) });
        expect(accepted?.partnership).toEqual({
          users: [ANA, BEN],
          requestId: asked.id,
          roomId: null,
          createdAt: at(3),
        });
        expect(await partners.acceptRequest(asked.id, ANA, at(4))).toBeUndefined();
        expect(await partners.declineRequest(asked.id, ANA, at(4))).toBeUndefined();
        expect(await partners.pendingRequestsOf(ANA)).toEqual({ incoming: [], outgoing: [] });
        expect(await partners.partnershipsOf(BEN)).toEqual([accepted?.partnership]);
        expect(await partners.partnershipsOf(ANA)).toEqual([accepted?.partnership]);
        expect(await refusalOf(ANA, BEN)).toBe("connected");
        expect(await partners.excludedFor(ANA)).toEqual(new Set([BEN]));
      });

      it("declines a request, after which the pair may ask again", async () => {
        const asked = await request(BEN, ANA, 1);
        expect(await partners.declineRequest(asked.id, ANA, at(2))).toMatchObject({
          id: asked.id,
          status: "declined",
          decidedAt: at(2),
        });
        expect((await partners.getRequest(asked.id))?.status).toBe("declined");
        expect(await partners.excludedFor(ANA)).toEqual(new Set());
        expect(await refusalOf(ANA, BEN)).toBe("stored");
      });

      it("holds a recipient to the bound on open incoming requests", async () => {
        const first = await request(BEN, ANA, 1, 2);
        await request(CAI, ANA, 2, 2);
        expect(await refusalOf(DEE, ANA, 2)).toBe("recipient_full");
        // Ana may still ask others: the bound is on what she is asked.
        expect(await refusalOf(ANA, "@eve:localhost", 2)).toBe("stored");
        await partners.declineRequest(first.id, ANA, at(3));
        expect(await refusalOf(DEE, ANA, 2)).toBe("stored");
      });

      it("holds the bound when requests arrive at once", async () => {
        const askers = Array.from({ length: 8 }, (_, i) => `@asker${i}:localhost`);
        const results = await Promise.all(
          askers.map((asker) =>
            partners.createRequest(asker, ANA, { maxPendingIncoming: 3, now: at(1) }),
          ),
        );
        expect(results.filter((result) => "request" in result)).toHaveLength(3);
        expect((await partners.pendingRequestsOf(ANA)).incoming).toHaveLength(3);
      });
    });

    describe("blocks", () => {
      it("cancels requests and ends the partnership between the two, and refuses new ones", async () => {
        const asked = await request(BEN, ANA, 1);
        await partners.acceptRequest(asked.id, ANA, at(2));
        const pending = await request(CAI, ANA, 3);
        await partners.block(ANA, BEN, at(4));
        await partners.block(CAI, ANA, at(5));
        expect(await partners.partnershipsOf(ANA)).toEqual([]);
        expect(await partners.getRequest(pending.id)).toMatchObject({
          status: "cancelled",
          decidedAt: at(5),
        });
        expect(await refusalOf(BEN, ANA)).toBe("blocked");
        expect(await refusalOf(ANA, BEN)).toBe("blocked");
        expect(await refusalOf(ANA, CAI)).toBe("blocked");
        // Blocked either way, never suggested either way.
        expect(await partners.excludedFor(ANA)).toEqual(new Set([BEN, CAI]));
        expect(await partners.excludedFor(BEN)).toEqual(new Set([ANA]));
      });

      it("lists blocks newest first, keeps the first of a repeated block and lifts them", async () => {
        await partners.block(ANA, BEN, at(1));
        await partners.block(ANA, CAI, at(2));
        await partners.block(ANA, BEN, at(3));
        expect(await partners.blocksOf(ANA)).toEqual([
          { blocked: CAI, createdAt: at(2) },
          { blocked: BEN, createdAt: at(1) },
        ]);
        expect(await partners.blocksOf(BEN)).toEqual([]);
        await partners.unblock(ANA, BEN);
        // Only the one who blocked can lift it.
        await partners.unblock(CAI, ANA);
        expect(await partners.blocksOf(ANA)).toEqual([{ blocked: CAI, createdAt: at(2) }]);
        expect(await refusalOf(BEN, ANA)).toBe("stored");
      });
    });

    describe("partner rooms", () => {
      it("lets one attempt at a time create the room, until it exists", async () => {
        const asked = await request(BEN, ANA, 1);
        await partners.acceptRequest(asked.id, ANA, at(2));
        const pair: [string, string] = [BEN, ANA];
        expect(await partners.claimRoomCreation(pair, at(3), 60_000)).toBe(true);
        expect(await partners.claimRoomCreation([ANA, BEN], at(4), 60_000)).toBe(false);
        // A claim older than `staleAfterMs` is taken over.
        expect(await partners.claimRoomCreation(pair, at(10), 5_000)).toBe(true);
        await partners.releaseRoomCreation(pair);
        expect(await partners.claimRoomCreation(pair, at(11), 60_000)).toBe(true);
        expect((await partners.partnershipsWithoutRoom(10)).map((p) => p.users)).toEqual([
          [ANA, BEN],
        ]);
        await partners.setPartnershipRoom(pair, "!room:localhost");
        await partners.setPartnershipRoom(pair, "!other:localhost");
        expect((await partners.partnershipsOf(ANA))[0]?.roomId).toBe("!room:localhost");
        expect(await partners.partnershipsWithoutRoom(10)).toEqual([]);
        await partners.releaseRoomCreation(pair);
        expect(await partners.claimRoomCreation(pair, at(20), 60_000)).toBe(false);
      });

      it("lists partnerships waiting for a room oldest first", async () => {
        const later = await request(CAI, ANA, 1);
        const sooner = await request(DEE, BEN, 2);
        await partners.acceptRequest(later.id, ANA, at(5));
        await partners.acceptRequest(sooner.id, BEN, at(4));
        expect((await partners.partnershipsWithoutRoom(10)).map((p) => p.requestId)).toEqual([
          sooner.id,
          later.id,
        ]);
        expect(await partners.partnershipsWithoutRoom(1)).toHaveLength(1);
      });
    });

    describe("reports", () => {
      it("stores reports as filed and lists them newest first", async () => {
        const first = await partners.createReport(
          { reporter: ANA, reported: BEN, reason: "rude", eventIds: ["$e1"], roomId: "!r:x" },
          at(1),
        );
        const second = await partners.createReport(
          { reporter: CAI, reported: BEN, reason: "spam", eventIds: [], roomId: undefined },
          at(2),
        );
        expect(first).toEqual({
          id: expect.any(String),
          reporter: ANA,
          reported: BEN,
          reason: "rude",
          eventIds: ["$e1"],
          roomId: "!r:x",
          createdAt: at(1),
        });
        expect(await partners.listReports(10)).toEqual([second, first]);
        expect(await partners.listReports(1)).toEqual([second]);
      });

      it("keeps one report for one key, however often it is filed", async () => {
        const report = {
          reporter: ANA,
          reported: BEN,
          reason: "spam",
          eventIds: [],
          roomId: undefined,
        };
        const key = `bot-command:$${randomUUID()}`;
        const first = await partners.createReport(report, at(1), key);
        const again = await partners.createReport({ ...report, reason: "spam!" }, at(2), key);
        const unkeyed = await partners.createReport(report, at(3));
        expect(again).toEqual(first);
        expect(unkeyed.id).not.toBe(first.id);
        const mine = (await partners.listReports(1_000)).filter((r) => r.id === first.id);
        expect(mine).toHaveLength(1);
      });
    });
  });
}
