import { describe, expect, it } from "vitest";
import type {
  ListPreview,
  PreviewEvent,
  PreviewMember,
  PreviewRoom,
} from "../../matrix/slidingPreview";
import { previewRoomList } from "./previewRoomList";

const ME = "@ana:example.org";
const BOB = "@bob:example.org";
const CARLA = "@carla:example.org";
const BOT = "@xstream:example.org";

const member = (
  userId: string,
  displayName: string | null,
  extra: Partial<PreviewMember> = {},
): PreviewMember => ({
  userId,
  displayName,
  avatarUrl: null,
  membership: "join",
  directInvite: false,
  sender: userId,
  ...extra,
});

const text = (sender: string, body: string, ts: number, extra: Partial<PreviewEvent> = {}) => ({
  type: "m.room.message",
  sender,
  ts,
  redacted: false,
  msgtype: "m.text",
  body,
  edit: false,
  voice: false,
  ...extra,
});

const room = (roomId: string, extra: Partial<PreviewRoom> = {}): PreviewRoom => ({
  roomId,
  membership: "join",
  name: null,
  avatarUrl: null,
  isDm: false,
  creator: ME,
  heroes: [],
  members: [member(ME, "Ana")],
  timeline: [],
  notificationCount: 0,
  highlightCount: 0,
  joinedCount: 1,
  invitedCount: 0,
  ...extra,
});

const list = (...rooms: PreviewRoom[]): ListPreview => ({ userId: ME, count: 40, rooms });

describe("previewRoomList", () => {
  it("names, pictures and sorts rooms as the live list does", () => {
    const shown = previewRoomList(
      list(
        room("!book:x", {
          name: "Book club",
          avatarUrl: "mxc://x/book",
          members: [member(ME, "Ana"), member(BOB, "Bob Silva"), member(CARLA, "Carla")],
          joinedCount: 3,
          timeline: [text(CARLA, "Chapter   3\ntonight", 3_000)],
        }),
        // The bot's partner room, named for Element after both partners: here, the partner.
        room("!partner:x", {
          name: "Ana & Bob",
          creator: BOT,
          members: [
            member(BOT, "Xstream"),
            member(ME, "Ana", { directInvite: true }),
            member(BOB, "Bob Silva", { avatarUrl: "mxc://x/bob" }),
          ],
          timeline: [text(ME, "See you", 5_000), text(BOB, "fixed", 6_000, { edit: true })],
        }),
        // Unnamed, two people: direct, named after the other.
        room("!carla:x", {
          creator: CARLA,
          members: [member(ME, "Ana"), member(CARLA, "Carla Ruiz")],
          timeline: [{ ...text(CARLA, "", 4_000), type: "m.room.encrypted", msgtype: null }],
        }),
        room("!quiet:x", { name: "Quiet", timeline: [] }),
      ),
    );

    expect(shown.total).toBe(40);
    expect(shown.direct.map((entry) => [entry.name, entry.preview, entry.avatarUrl])).toEqual([
      ["Bob Silva", "You: See you", "mxc://x/bob"],
      ["Carla Ruiz", "Encrypted message", null],
    ]);
    expect(shown.groups.map((entry) => [entry.name, entry.preview, entry.initials])).toEqual([
      ["Book club", "Carla: Chapter 3 tonight", "BC"],
      ["Quiet", null, "Q"],
    ]);
    expect(shown.direct[0]?.lastActivity).toBe(5_000);
    expect(shown.groups[1]?.lastActivity).toBeNull();
  });

  it("is direct when the server says m.direct lists it", () => {
    const shown = previewRoomList(
      list(room("!dm:x", { name: "Tandem", isDm: true, members: [member(ME, "Ana")] })),
    );
    expect(shown.direct.map((entry) => entry.name)).toEqual(["Tandem"]);
  });

  it("names an unnamed group after its heroes, as the SDK does", () => {
    const heroes = [
      { userId: BOB, displayName: "Bob" },
      { userId: CARLA, displayName: "Carla" },
    ];
    const three = room("!three:x", { heroes, joinedCount: 3, members: [] });
    const five = room("!five:x", { heroes, joinedCount: 4, invitedCount: 1, members: [] });
    const shown = previewRoomList(list(three, five));
    expect(shown.groups.map((entry) => entry.name).sort()).toEqual([
      "Bob and 3 others",
      "Bob and Carla",
    ]);
  });

  it("shows the member ID beside names that could pass for someone else", () => {
    const shown = previewRoomList(
      list(
        room("!a:x", {
          members: [member(ME, "Ana"), member(BOB, "@carla:example.org")],
          timeline: [text(BOB, "hi", 1)],
        }),
        room("!b:x", {
          name: "Twins",
          members: [member(ME, "Ana"), member(BOB, "Sam"), member(CARLA, "Sam")],
          timeline: [text(CARLA, "hey", 2)],
        }),
        room("!c:x", {
          members: [member(ME, "Ana"), member(CARLA, "\u202Eanna")],
          timeline: [text(CARLA, "x", 3)],
        }),
      ),
    );
    expect(shown.direct.map((entry) => entry.name)).toEqual([
      "anna (@carla:example.org)",
      "@carla:example.org (@bob:example.org)",
    ]);
    expect(shown.groups[0]?.preview).toBe("Sam (@carla:example.org): hey");
  });

  it("reads hostile messages as text, never as code or the object's own keys", () => {
    const shown = previewRoomList(
      list(
        room("!a:x", {
          name: "<img src=x onerror=alert(1)>",
          timeline: [text(BOB, "hi", 1, { msgtype: "constructor" })],
        }),
        room("!b:x", { name: "B", timeline: [text(BOB, "x", 2, { msgtype: "__proto__" })] }),
        room("!c:x", { name: "C", timeline: [text(BOB, "gone", 3, { redacted: true })] }),
      ),
    );
    expect(shown.groups.map((entry) => [entry.name, entry.preview])).toEqual([
      ["C", "Message deleted"],
      ["B", "@bob:example.org: x"],
      ["<img src=x onerror=alert(1)>", "@bob:example.org: hi"],
    ]);
  });

  it("lists the biggest answer the preview keeps quickly, whoever is named like whom", () => {
    // 50 rooms of 2,000 members who all share one name, 10 heroes and 2,000 edits before the
    // one message: each name is checked against every other member's.
    const members = Array.from({ length: 2_000 }, (_, i) => member(`@m${i}:evil.example`, "Ana"));
    const heroes = members.slice(0, 10).map((m) => ({ userId: m.userId, displayName: null }));
    const timeline = [
      text("@m1:evil.example", "hello", 1),
      ...Array.from({ length: 1_999 }, (_, i) =>
        text("@m2:evil.example", "edit", 2 + i, { edit: true }),
      ),
    ];
    const rooms = Array.from({ length: 50 }, (_, i) =>
      room(`!r${i}:x`, {
        members: [member(ME, "Ana"), ...members],
        heroes,
        timeline,
        joinedCount: 2_001,
      }),
    );
    const started = performance.now();
    const shown = previewRoomList(list(...rooms));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(shown.groups).toHaveLength(50);
    expect(shown.groups[0]?.name).toBe("Ana (@m0:evil.example) and 1999 others");
    expect(shown.groups[0]?.preview).toBe("Ana (@m1:evil.example): hello");
  });

  it("lists invites with who sent them", () => {
    const shown = previewRoomList(
      list(
        room("!inv:x", {
          membership: "invite",
          name: "Grammar nerds",
          members: [
            member(ME, null, { membership: "invite", sender: CARLA }),
            member(CARLA, "Carla Ruiz"),
          ],
        }),
      ),
    );
    expect(shown.invites).toEqual([
      expect.objectContaining({
        roomId: "!inv:x",
        name: "Grammar nerds",
        inviterId: CARLA,
        inviterName: "Carla Ruiz",
        direct: false,
      }),
    ]);
    expect(shown.direct).toEqual([]);
    expect(shown.groups).toEqual([]);
  });
});
