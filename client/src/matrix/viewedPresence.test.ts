import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PRESENCE_POLL_MS, type PresenceSdk, ViewedPresence } from "./viewedPresence";

class FakeUser {
  readonly events: { type: string; sender: string; content: Record<string, unknown> }[] = [];
  constructor(readonly userId: string) {}
  setPresenceEvent(event: { type: string; sender: string; content: Record<string, unknown> }) {
    this.events.push(event);
  }
}

function setUp(members: Record<string, string[]>) {
  const users = new Map<string, FakeUser>();
  const getPresence = vi.fn(async (userId: string) => {
    if (userId === "@hidden:hs") throw new Error("403");
    return { presence: "online", last_active_ago: 5, currently_active: true };
  });
  const client = {
    getUserId: () => "@me:hs",
    getRoom: (roomId: string) =>
      members[roomId]
        ? { getJoinedMembers: () => (members[roomId] ?? []).map((userId) => ({ userId })) }
        : null,
    getPresence,
    getUser: (userId: string) => users.get(userId) ?? null,
    store: { storeUser: (user: FakeUser) => users.set(user.userId, user) },
  } as unknown as MatrixClient;
  const sdk = {
    User: { createUser: (userId: string) => new FakeUser(userId) },
    // The event as given: enough for what the fake user records.
    MatrixEvent: class {
      constructor(event: object) {
        Object.assign(this, event);
      }
    },
  } as unknown as PresenceSdk;
  return { presence: new ViewedPresence(client, sdk), getPresence, users };
}

describe("ViewedPresence", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks for the shown room's members' presence, not mine, and hands it to their users", async () => {
    const { presence, getPresence, users } = setUp({ "!r:hs": ["@me:hs", "@ana:hs"] });
    const end = presence.view("!r:hs");
    await vi.advanceTimersByTimeAsync(0);
    expect(getPresence.mock.calls.map(([id]) => id)).toEqual(["@ana:hs"]);
    expect(users.get("@ana:hs")?.events.at(-1)).toMatchObject({
      type: "m.presence",
      sender: "@ana:hs",
      content: { presence: "online", last_active_ago: 5, currently_active: true },
    });

    await vi.advanceTimersByTimeAsync(2_000 + PRESENCE_POLL_MS);
    expect(getPresence.mock.calls.length).toBe(3);

    end();
    await vi.advanceTimersByTimeAsync(PRESENCE_POLL_MS * 3);
    expect(getPresence.mock.calls.length).toBe(3);
  });

  it("keeps going past someone whose presence it may not see", async () => {
    const { presence, users } = setUp({ "!r:hs": ["@hidden:hs", "@ben:hs"] });
    presence.view("!r:hs");
    await vi.advanceTimersByTimeAsync(0);
    expect(users.has("@hidden:hs")).toBe(false);
    expect(users.get("@ben:hs")?.events).toHaveLength(1);
    presence.stop();
  });
});
