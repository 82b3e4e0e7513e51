import { describe, expect, it } from "vitest";
import {
  inviteUnlessPresent,
  joinUnlessJoined,
  PAIRING_RETRY_MAX_MS,
  PairingBackoff,
} from "./pairingBackoff.js";

describe("PairingBackoff", () => {
  it("retries within a second, then ever more slowly, never less often than every 5 minutes", () => {
    let clock = 0;
    const backoff = new PairingBackoff(() => clock);
    const attempts: number[] = [];
    for (clock = 0; clock <= 15 * 60_000; clock += 250) {
      if (backoff.due("invite b")) {
        attempts.push(clock);
        backoff.tried("invite b");
      }
    }
    expect(attempts.slice(0, 5)).toEqual([0, 1_000, 2_500, 4_750, 8_250]);
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(PAIRING_RETRY_MAX_MS + 250);
    // Gentle on a partner that is down: about a dozen tries in the first five minutes.
    expect(attempts.filter((at) => at < 5 * 60_000).length).toBeLessThan(16);
  });

  it("starts from the first delay again after a reset, per key or per server", () => {
    let clock = 0;
    const backoff = new PairingBackoff(() => clock, 1_000, 60_000, 2);
    for (const key of ["invite b.example", "join b.example", "invite c.example"]) {
      backoff.tried(key);
      backoff.tried(key);
    }
    clock = 1_500;
    expect(backoff.due("invite b.example")).toBe(false);
    expect(backoff.nextDueInMs()).toBe(500);
    backoff.resetServer("b.example");
    expect(backoff.due("invite b.example")).toBe(true);
    expect(backoff.due("join b.example")).toBe(true);
    expect(backoff.due("invite c.example")).toBe(false);
    backoff.reset("invite c.example");
    expect(backoff.nextDueInMs()).toBeUndefined();
  });
});

describe("inviteUnlessPresent", () => {
  it("invites only someone neither in the room nor invited already", async () => {
    const invited: string[] = [];
    const matrix = {
      memberships: async () =>
        new Map([
          ["@in:b", "join"],
          ["@asked:b", "invite"],
          ["@gone:b", "leave"],
        ]),
      invite: async (_roomId: string, userId: string) => {
        invited.push(userId);
      },
    };
    for (const userId of ["@in:b", "@asked:b", "@gone:b", "@new:b"]) {
      await inviteUnlessPresent(matrix, "!room:a", userId);
    }
    expect(invited).toEqual(["@gone:b", "@new:b"]);
  });
});

describe("joinUnlessJoined", () => {
  const BOT = "@xstream:a.example";
  const joins = (membership: string | undefined | Error) => {
    const joined: string[] = [];
    const matrix = {
      async memberships() {
        if (membership instanceof Error) throw membership;
        return new Map(membership ? [[BOT, membership]] : []);
      },
      async join(roomId: string) {
        joined.push(roomId);
        return true;
      },
    };
    return { matrix, joined };
  };

  it("does not join a room our bot is in already", async () => {
    const { matrix, joined } = joins("join");
    expect(await joinUnlessJoined(matrix, "!r:b.example", "b.example", BOT)).toBe(true);
    expect(joined).toEqual([]);
  });

  it("joins when invited, when gone, or when the member list is refused", async () => {
    for (const membership of ["invite", "leave", undefined, new Error("403")]) {
      const { matrix, joined } = joins(membership);
      expect(await joinUnlessJoined(matrix, "!r:b.example", "b.example", BOT)).toBe(true);
      expect(joined).toEqual(["!r:b.example"]);
    }
  });
});
