import { describe, expect, it } from "vitest";
import { insertMention, mentionQueryAt, suggestMembers } from "./mentions";

describe("mentionQueryAt", () => {
  it("finds an @name being typed at the caret", () => {
    expect(mentionQueryAt("hi @bo", 6)).toEqual({ start: 3, end: 6, query: "bo" });
    expect(mentionQueryAt("@", 1)).toEqual({ start: 0, end: 1, query: "" });
  });

  it("ignores e-mail addresses, finished words and text after the caret", () => {
    expect(mentionQueryAt("ana@example.org", 15)).toBeNull();
    expect(mentionQueryAt("@bob hello", 10)).toBeNull();
    expect(mentionQueryAt("hello @bob", 3)).toBeNull();
  });
});

describe("suggestMembers", () => {
  const members = [
    { userId: "@ana:example.org", displayName: "Ana Lima" },
    { userId: "@bob:example.org", displayName: "Bob Silva" },
    { userId: "@zoe:example.org", displayName: "Zoé Bastos" },
    { userId: "@xstream:example.org", displayName: "Xstream" },
  ];

  it("matches names by any word, or the localpart, ignoring case and accents, never me", () => {
    expect(suggestMembers(members, "b", "@ana:example.org").map((m) => m.displayName)).toEqual([
      "Bob Silva",
      "Zoé Bastos",
    ]);
    expect(suggestMembers(members, "ZOE", null).map((m) => m.userId)).toEqual(["@zoe:example.org"]);
    expect(suggestMembers(members, "", "@ana:example.org")).toHaveLength(3);
    expect(suggestMembers(members, "ana", "@ana:example.org")).toEqual([]);
  });
});

describe("insertMention", () => {
  it("replaces the @query with the name and one space", () => {
    expect(insertMention("hi @bo", { start: 3, end: 6, query: "bo" }, "Bob Silva")).toEqual({
      text: "hi Bob Silva ",
      caret: 13,
    });
    expect(insertMention("@b how are you", { start: 0, end: 2, query: "b" }, "Bob")).toEqual({
      text: "Bob how are you",
      caret: 4,
    });
  });
});
