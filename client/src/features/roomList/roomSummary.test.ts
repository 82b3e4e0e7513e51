import type { MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { joinedRoom, ME } from "../../test/fakeRoomList";
import { byActivity, matchesFilter, previewOf, roomLabel, summarizeRoom } from "./roomSummary";

const BOB = "@bob:example.org";

function preview(
  content: Record<string, unknown>,
  extra: { type?: string; redacted?: boolean; sender?: string } = {},
) {
  const room = joinedRoom("!r:example.org", [[BOB, "Bob Silva"]]);
  const event = room.message(extra.sender ?? BOB, "", { ...extra, content });
  return previewOf(event as unknown as MatrixEvent, room as unknown as Room, ME);
}

describe("previewOf", () => {
  it("shows who said what, on one line, and 'You' for my own messages", () => {
    expect(preview({ msgtype: "m.text", body: "Hola,\n  ¿qué tal?" })).toBe(
      "Bob Silva: Hola, ¿qué tal?",
    );
    expect(preview({ msgtype: "m.notice", body: "Welcome" }, { sender: ME })).toBe("You: Welcome");
    expect(preview({ msgtype: "m.emote", body: "waves" })).toBe("* Bob Silva waves");
  });

  it("says what kind of file was sent", () => {
    expect(preview({ msgtype: "m.image", body: "IMG_1.jpg" })).toBe("Bob Silva sent an image");
    expect(preview({ msgtype: "m.file", body: "notes.pdf" })).toBe("Bob Silva sent a file");
    expect(preview({ msgtype: "m.video", body: "clip.mp4" })).toBe("Bob Silva sent a video");
    expect(preview({ msgtype: "m.audio", body: "a.ogg", "org.matrix.msc3245.voice": {} })).toBe(
      "Bob Silva sent a voice message",
    );
    expect(preview({ body: "sticker" }, { type: "m.sticker" })).toBe("Bob Silva sent a sticker");
  });

  it("marks deleted and encrypted messages, and skips edits and other events", () => {
    expect(preview({}, { redacted: true })).toBe("Message deleted");
    expect(preview({ algorithm: "m.megolm.v1.aes-sha2" }, { type: "m.room.encrypted" })).toBe(
      "Encrypted message",
    );
    const edit = { msgtype: "m.text", body: "* fixed", "m.relates_to": { rel_type: "m.replace" } };
    expect(preview(edit)).toBeNull();
    expect(preview({ membership: "join" }, { type: "m.room.member" })).toBeNull();
    expect(preview({ "m.relates_to": { key: "👍" } }, { type: "m.reaction" })).toBeNull();
  });
});

describe("room list helpers", () => {
  it("labels a room with its unread and mention counts", () => {
    expect(roomLabel("Ana", 0, 0)).toBe("Ana");
    expect(roomLabel("Ana", 2, 1)).toBe("Ana, 2 unread, 1 mention");
    expect(roomLabel("Ana", 5, 2)).toBe("Ana, 5 unread, 2 mentions");
  });

  it("orders by latest activity, then by name", () => {
    const rooms = [
      { name: "B", lastActivity: null },
      { name: "C", lastActivity: 5 },
      { name: "A", lastActivity: null },
      { name: "D", lastActivity: 9 },
    ];
    expect(rooms.sort(byActivity).map((room) => room.name)).toEqual(["D", "C", "A", "B"]);
  });

  it("matches any part of the name, ignoring case and accents", () => {
    expect(matchesFilter("José Álvarez", "alva")).toBe(true);
    expect(matchesFilter("Study group", " GROUP ")).toBe(true);
    expect(matchesFilter("Study group", "grp")).toBe(false);
    expect(matchesFilter("Anything", "")).toBe(true);
  });
});

describe("summarizeRoom", () => {
  it("names the bot's partner room after the partner, though the bot named it after both", () => {
    const people: Array<[string, string]> = [
      ["@xstream:example.org", "Xstream"],
      [BOB, "Bob Silva"],
    ];
    const direct = new Set(["!p:example.org"]);
    const partners = joinedRoom("!p:example.org", people, {
      creator: "@xstream:example.org",
      explicitName: "Ana Lima & Bob Silva",
    });
    expect(summarizeRoom(partners as unknown as Room, ME, direct).name).toBe("Bob Silva");
    const someoneElses = joinedRoom("!p:example.org", people, {
      creator: BOB,
      explicitName: "Ana Lima & Bob Silva",
    });
    expect(summarizeRoom(someoneElses as unknown as Room, ME, direct).name).toBe(
      "Ana Lima & Bob Silva",
    );
  });
});
