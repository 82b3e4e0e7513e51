import { describe, expect, it } from "vitest";
import {
  BODY_LIMIT,
  describeMessage,
  pageTitle,
  shouldNotifyMessage,
  shouldNotifyRing,
  shouldOfferPermission,
} from "./notificationDecision";

const ME = "@tom:localhost";
const LUCIA = "@lucia:localhost";
const away = { looking: false, openRoomId: null };

const facts = (overrides: Partial<Parameters<typeof shouldNotifyMessage>[0]> = {}) => ({
  roomId: "!a:localhost",
  sender: LUCIA,
  myUserId: ME,
  pushNotify: true,
  attention: away,
  ...overrides,
});

describe("whether a message notifies", () => {
  it("notifies what the push rules say notifies, while the learner is away", () => {
    expect(shouldNotifyMessage(facts())).toBe(true);
  });

  it("follows the push rules: a muted room, mentions only or no matching rule stay quiet", () => {
    expect(shouldNotifyMessage(facts({ pushNotify: false }))).toBe(false);
    expect(shouldNotifyMessage(facts({ pushNotify: null }))).toBe(false);
  });

  it("never notifies the learner's own messages, whatever the rules say", () => {
    expect(shouldNotifyMessage(facts({ sender: ME }))).toBe(false);
  });

  it("stays quiet for the room the learner is reading, but not for another room", () => {
    const reading = { looking: true, openRoomId: "!a:localhost" };
    expect(shouldNotifyMessage(facts({ attention: reading }))).toBe(false);
    expect(
      shouldNotifyMessage(facts({ attention: { looking: true, openRoomId: "!b:localhost" } })),
    ).toBe(true);
    expect(
      shouldNotifyMessage(facts({ attention: { looking: false, openRoomId: "!a:localhost" } })),
    ).toBe(true);
  });
});

describe("whether a ring notifies", () => {
  it("only while the learner is not looking, and never in a muted room", () => {
    expect(shouldNotifyRing(away, false)).toBe(true);
    expect(shouldNotifyRing({ looking: true, openRoomId: null }, false)).toBe(false);
    expect(shouldNotifyRing(away, true)).toBe(false);
  });
});

describe("what a notification says", () => {
  const base = {
    senderName: "Lucía",
    roomName: "Spanish club",
    direct: true,
    type: "m.room.message",
  };

  it("names the sender, and the room for groups", () => {
    const content = { msgtype: "m.text", body: "Hola" };
    expect(describeMessage({ ...base, content })).toEqual({ title: "Lucía", body: "Hola" });
    expect(describeMessage({ ...base, direct: false, content }).title).toBe(
      "Lucía in Spanish club",
    );
  });

  it("says what kind of media came, and hides what it cannot read", () => {
    expect(describeMessage({ ...base, content: { msgtype: "m.image", body: "x.png" } }).body).toBe(
      "sent an image",
    );
    expect(describeMessage({ ...base, type: "m.room.encrypted", content: {} }).body).toBe(
      "New message",
    );
    expect(describeMessage({ ...base, content: { body: 42 } }).body).toBe("New message");
  });

  it("cuts hostile input short, fast", () => {
    const started = performance.now();
    const { title, body } = describeMessage({
      ...base,
      senderName: "𝕃".repeat(100_000),
      content: { msgtype: "m.text", body: `${"😀".repeat(2_000_000)}\n\n` },
    });
    expect(Array.from(body).length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(Array.from(title).length).toBeLessThanOrEqual(64);
    expect(body.endsWith("…")).toBe(true);
    // No half of a surrogate pair at the cut.
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("the page title and the permission offer", () => {
  it("shows the unread count first", () => {
    expect(pageTitle(0)).toBe("Xstream");
    expect(pageTitle(3)).toBe("(3) Xstream");
    expect(pageTitle(250)).toBe("(99+) Xstream");
  });

  it("offers only once the learner has someone to hear from, and only if never answered", () => {
    const offer = { permission: "default" as const, dismissed: false, engaged: true };
    expect(shouldOfferPermission(offer)).toBe(true);
    expect(shouldOfferPermission({ ...offer, engaged: false })).toBe(false);
    expect(shouldOfferPermission({ ...offer, dismissed: true })).toBe(false);
    expect(shouldOfferPermission({ ...offer, permission: "granted" })).toBe(false);
    expect(shouldOfferPermission({ ...offer, permission: "denied" })).toBe(false);
  });
});
