import { describe, expect, it } from "vitest";
import {
  buildEditContent,
  buildReplyContent,
  buildTextContent,
  type Mention,
  mentionedUserIds,
} from "./messageContent";

const BOB: Mention = { userId: "@bob:example.org", displayName: "Bob Silva" };
const ANA: Mention = { userId: "@ana:example.org", displayName: "Ana" };

describe("buildTextContent", () => {
  it("is plain text mentioning nobody when there are no mentions", () => {
    expect(buildTextContent("Olá <b>Bob</b>")).toEqual({
      msgtype: "m.text",
      body: "Olá <b>Bob</b>",
      "m.mentions": {},
    });
  });

  it("links mentions to matrix.to in escaped HTML and lists them in m.mentions", () => {
    expect(buildTextContent("Bob Silva & Ana: <hi>\nbye", [BOB, ANA])).toEqual({
      msgtype: "m.text",
      body: "Bob Silva & Ana: <hi>\nbye",
      format: "org.matrix.custom.html",
      formatted_body:
        '<a href="https://matrix.to/#/@bob:example.org">Bob Silva</a> &amp; ' +
        '<a href="https://matrix.to/#/@ana:example.org">Ana</a>: &lt;hi&gt;<br>bye',
      "m.mentions": { user_ids: ["@bob:example.org", "@ana:example.org"] },
    });
  });

  it("forgets a mention whose name was deleted from the text", () => {
    expect(buildTextContent("just hello", [BOB])).toEqual({
      msgtype: "m.text",
      body: "just hello",
      "m.mentions": {},
    });
  });

  it("prefers the longest name and lists each person once", () => {
    const anaLima: Mention = { userId: "@lima:example.org", displayName: "Ana Lima" };
    expect(mentionedUserIds("Ana Lima, Ana and Ana Lima", [ANA, anaLima])).toEqual([
      "@lima:example.org",
      "@ana:example.org",
    ]);
  });
});

describe("buildReplyContent", () => {
  it("relates to the replied-to event and notifies its sender", () => {
    expect(
      buildReplyContent("Sim!", [], { eventId: "$question", senderId: "@bob:example.org" }),
    ).toEqual({
      msgtype: "m.text",
      body: "Sim!",
      "m.mentions": { user_ids: ["@bob:example.org"] },
      "m.relates_to": { "m.in_reply_to": { event_id: "$question" } },
    });
  });

  it("works without knowing the sender", () => {
    expect(buildReplyContent("ok", [], { eventId: "$q" })).toEqual({
      msgtype: "m.text",
      body: "ok",
      "m.mentions": {},
      "m.relates_to": { "m.in_reply_to": { event_id: "$q" } },
    });
  });
});

describe("buildEditContent", () => {
  it("replaces the message with m.new_content and a '* ' fallback", () => {
    expect(buildEditContent("Hola, ¿qué tal?", [], { eventId: "$mine" })).toEqual({
      msgtype: "m.text",
      body: "* Hola, ¿qué tal?",
      "m.mentions": {},
      "m.new_content": { msgtype: "m.text", body: "Hola, ¿qué tal?", "m.mentions": {} },
      "m.relates_to": { rel_type: "m.replace", event_id: "$mine" },
    });
  });

  it("keeps mentions in the new content and notifies only newly mentioned people", () => {
    const content = buildEditContent("Bob Silva and Ana", [BOB, ANA], {
      eventId: "$mine",
      previousUserIds: ["@bob:example.org"],
    });
    expect(content["m.mentions"]).toEqual({ user_ids: ["@ana:example.org"] });
    expect(content["m.new_content"]["m.mentions"]).toEqual({
      user_ids: ["@bob:example.org", "@ana:example.org"],
    });
    expect(content.format).toBe("org.matrix.custom.html");
    expect(content.formatted_body).toBe(
      '* <a href="https://matrix.to/#/@bob:example.org">Bob Silva</a> and ' +
        '<a href="https://matrix.to/#/@ana:example.org">Ana</a>',
    );
    expect(content["m.new_content"].formatted_body).toBe(content.formatted_body?.slice(2));
  });
});
