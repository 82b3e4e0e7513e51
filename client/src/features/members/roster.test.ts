import { type MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { roleOf, rosterOf } from "./roster";

const ROOM = "!group:example.org";
const ANA = "@ana:example.org";
const BEN = "@ben:example.org";
const CARLA = "@carla:example.org";
const DAN = "@dan:example.org";

function state(type: string, stateKey: string, sender: string, content: Record<string, unknown>) {
  return new MatrixEvent({
    type,
    state_key: stateKey,
    sender,
    content,
    room_id: ROOM,
    event_id: `$${type}-${stateKey}-${Math.random()}`,
    origin_server_ts: Date.now(),
  });
}

/**
 * A real SDK room (the power-level rules are the SDK's and the server's, so they are not faked)
 * created by Ana in room version `version`, with Ben a moderator, Carla a member and Dan invited.
 */
function groupRoom(me: string, version = "10", powerLevels: Record<string, unknown> = {}) {
  const client = { getUserId: () => me } as unknown as MatrixClient;
  const room = new Room(ROOM, client, me);
  room.currentState.setStateEvents([
    state("m.room.create", "", ANA, { room_version: version }),
    state("m.room.member", ANA, ANA, { membership: "join", displayname: "Ana Lima" }),
    state("m.room.member", BEN, BEN, { membership: "join", displayname: "Ben Okafor" }),
    state("m.room.member", CARLA, CARLA, { membership: "join", displayname: "Carla Ruiz" }),
    state("m.room.member", DAN, ANA, { membership: "invite", displayname: "Dan Wu" }),
    state("m.room.power_levels", "", ANA, {
      users: version === "12" ? { [BEN]: 50 } : { [ANA]: 100, [BEN]: 50 },
      users_default: 0,
      kick: 50,
      invite: 0,
      ...powerLevels,
    }),
  ]);
  return room;
}

describe("rosterOf", () => {
  it("lists joined and invited people by name with their roles", () => {
    const roster = rosterOf(groupRoom(CARLA), CARLA);
    expect(roster.joined.map((m) => [m.displayName, m.role])).toEqual([
      ["Ana Lima", "Admin"],
      ["Ben Okafor", "Moderator"],
      ["Carla Ruiz", null],
    ]);
    expect(roster.invited.map((m) => m.displayName)).toEqual(["Dan Wu"]);
  });

  it("lets a plain member invite (invite level 0) but remove nobody", () => {
    const roster = rosterOf(groupRoom(CARLA), CARLA);
    expect(roster.canInvite).toBe(true);
    expect([...roster.joined, ...roster.invited].some((m) => m.canRemove)).toBe(false);
  });

  it("lets a moderator remove those below them, never an equal, a superior or themselves", () => {
    const roster = rosterOf(groupRoom(BEN), BEN);
    const removable = [...roster.joined, ...roster.invited]
      .filter((m) => m.canRemove)
      .map((m) => m.userId);
    expect(removable).toEqual([CARLA, DAN]);
  });

  it("follows a raised invite level", () => {
    expect(rosterOf(groupRoom(CARLA, "10", { invite: 50 }), CARLA).canInvite).toBe(false);
    expect(rosterOf(groupRoom(BEN, "10", { invite: 50 }), BEN).canInvite).toBe(true);
  });

  it("treats the creator of a version 12 room as its owner, above everyone", () => {
    const roster = rosterOf(groupRoom(ANA, "12"), ANA);
    expect(roster.joined[0]).toMatchObject({ userId: ANA, role: "Owner", canRemove: false });
    expect(roster.joined.filter((m) => m.canRemove).map((m) => m.userId)).toEqual([BEN, CARLA]);
  });
});

describe("roleOf", () => {
  it("names power levels as people know them", () => {
    expect([Number.POSITIVE_INFINITY, 100, 75, 50, 10, 0].map(roleOf)).toEqual([
      "Owner",
      "Admin",
      "Moderator",
      "Moderator",
      null,
      null,
    ]);
  });
});
