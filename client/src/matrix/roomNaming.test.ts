import type { Room } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { FakeRoom } from "../test/fakeMatrixSdk";
import { directRoomIds, initialsOf, roomName } from "./roomNaming";

const ANA = "@ana:example.org";

function room(
  creator: string,
  members: Array<[string, string, string]>,
  sdkName = "SDK name",
  explicitName?: string,
) {
  const fake = new FakeRoom("!r:example.org", {
    myUserId: ANA,
    creator,
    name: sdkName,
    ...(explicitName !== undefined && { explicitName }),
  });
  for (const [id, name, membership] of members) fake.setMember(id, name, membership);
  return fake as unknown as Room;
}

describe("roomName", () => {
  it("names a two-person room after the other person", () => {
    const direct = room("@bob:example.org", [
      [ANA, "Ana", "join"],
      ["@bob:example.org", "Bob", "join"],
    ]);
    expect(roomName(direct, ANA)).toBe("Bob");
  });

  it("names a room the bot set up for two people after the partner, invited or joined", () => {
    const partners = room("@xstream:example.org", [
      ["@xstream:example.org", "Xstream", "join"],
      [ANA, "Ana", "join"],
      ["@bob:example.org", "Bob", "invite"],
    ]);
    expect(roomName(partners, ANA)).toBe("Bob");
  });

  it("names the bot's partner room after the partner on each side, whatever it is called", () => {
    const members: Array<[string, string, string]> = [
      ["@xstream:example.org", "Xstream", "join"],
      [ANA, "Ana", "join"],
      ["@bob:example.org", "Bob", "join"],
    ];
    expect(roomName(room("@xstream:example.org", members, "x", "Ana & Bob"), ANA)).toBe("Bob");
    // Anyone else's room keeps the name it was given, and a bot elsewhere is not ours.
    expect(roomName(room("@bob:example.org", members, "x", "Ana & Bob"), ANA)).toBe("Ana & Bob");
    expect(roomName(room("@xstream:evil.example", members, "x", "Ana & Bob"), ANA)).toBe(
      "Ana & Bob",
    );
  });

  it("falls back to the SDK's name for groups, and ignores people who left", () => {
    const group = room(ANA, [
      [ANA, "Ana", "join"],
      ["@bob:example.org", "Bob", "join"],
      ["@carla:example.org", "Carla", "join"],
      ["@dan:example.org", "Dan", "leave"],
    ]);
    expect(roomName(group, ANA)).toBe("SDK name");
  });
});

describe("room naming helpers", () => {
  it("makes up to two initials", () => {
    expect(initialsOf("Ana Lima")).toBe("AL");
    expect(initialsOf("bob")).toBe("B");
    expect(initialsOf("#study-group")).toBe("SG");
    expect(initialsOf("Émile zola Extra")).toBe("ÉZ");
    expect(initialsOf("  ")).toBe("?");
  });

  it("reads the room ids out of m.direct, ignoring junk", () => {
    const ids = directRoomIds({
      "@bob:example.org": ["!a:x", "!b:x"],
      "@c:x": ["!a:x", 3],
      "@d:x": "!e:x",
    });
    expect([...ids]).toEqual(["!a:x", "!b:x"]);
    expect(directRoomIds(undefined).size).toBe(0);
  });
});
