import { describe, expect, it } from "vitest";
import type { Suggestion } from "../domain/matching.js";
import type { NewPartnership, PartnerRequestView } from "../domain/partnerContext.js";
import type { Profile } from "../domain/profiles.js";
import { escapeHtml } from "../html.js";
import { testProfile } from "../testing/profiles.js";
import { COMMAND_NAMES } from "./botCommands.js";
import {
  describeLanguages,
  greeting,
  help,
  matrixToRoom,
  matrixToUser,
  noticeContent,
  partnersList,
  partnerWelcome,
  problem,
  profileSaved,
  profileSummary,
  refused,
  requestAcceptedNotice,
  requestReceivedNotice,
  suggestions,
} from "./botReplies.js";

const EVIL = `<script>alert("x")</script>`;
const EVIL_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";

const profile = (overrides: Partial<Profile> = {}) =>
  testProfile({ interests: ["hiking"], ...overrides });

function suggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  const them = profile({ userId: "@ben:other.example", displayName: "Ben", native: ["en"] });
  return {
    userId: them.userId,
    displayName: them.displayName,
    score: 0.8,
    teaches: "en",
    learns: "es",
    learnsLevel: "A2",
    overlapMinutesPerWeek: 180,
    sharedInterests: ["hiking"],
    online: false,
    reasons: ["native English, learning Spanish A2", "3 h overlap a week", "both like hiking"],
    summary: "native English, learning Spanish A2 · 3 h overlap a week · both like hiking",
    profile: them,
    ...overrides,
  };
}

function request(overrides: Partial<PartnerRequestView> = {}): PartnerRequestView {
  return {
    id: "r1",
    requester: { userId: "@ana:hs", displayName: "Ana" },
    recipient: { userId: "@ben:other.example", displayName: "Ben" },
    status: "pending",
    createdAt: new Date(0),
    decidedAt: undefined,
    ...overrides,
  };
}

describe("escapeHtml", () => {
  it("escapes everything HTML could read as markup", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});

describe("replies", () => {
  it("greet with the first steps and `help`", () => {
    const reply = greeting();
    expect(reply.body).toMatch(/`help`/);
    expect(reply.formatted_body).toContain("<code>help</code>");
  });

  it("list every command in help, and explain one command with an example", () => {
    const all = help();
    for (const name of COMMAND_NAMES) expect(all.body).toContain(`\`${name}`);
    // Element users learn where the partner room's widget is.
    expect(all.body).toMatch(/Xstream panel.*Element.*room info.*Extensions.*right panel/s);
    expect(all.formatted_body).toMatch(/^<p>.*<\/p><ul><li><code>help \[command\]<\/code>/);
    const learn = help("learn");
    expect(learn.body).toContain("`learn <language> <level>`");
    expect(learn.body).toContain("`learn en B1`");
    expect(learn.formatted_body).toContain("<code>learn &lt;language&gt; &lt;level&gt;</code>");
  });

  it("explain problems: unknown words with the closest command, usage with the syntax", () => {
    const unknown = problem({ kind: "unknown", word: EVIL, closest: "match" });
    expect(unknown.body).toContain(`I don't know "${EVIL}". Did you mean \`match\`?`);
    expect(unknown.body).toMatch(/`help`/);
    expect(unknown.formatted_body).toContain(EVIL_ESCAPED);
    expect(unknown.formatted_body).not.toContain("<script>");

    const usage = problem({
      kind: "usage",
      command: "learn",
      message: "Use A1 … C2, e.g. `learn en B1`.",
    });
    expect(usage.body).toBe(
      "Use A1 … C2, e.g. `learn en B1`.\n\nUsage: `learn <language> <level>` (more with `help learn`)",
    );
    expect(problem({ kind: "empty" }).body).toMatch(/`help`/);
  });

  it("show a refusal's message as plain text, with the bot's hint", () => {
    const reply = refused(`"<b>" is not a language code.`, "Try `native es`.");
    expect(reply.body).toBe(`"<b>" is not a language code. Try \`native es\`.`);
    expect(reply.formatted_body).toBe(
      "<p>&quot;&lt;b&gt;&quot; is not a language code. Try <code>native es</code>.</p>",
    );
  });

  it("describe a profile with language names and levels", () => {
    expect(describeLanguages(profile({ native: ["es", "ca"] }))).toBe(
      "native Spanish, Catalan, learning English B1",
    );
    const reply = profileSummary(profile({ displayName: EVIL }));
    expect(reply.body).toContain("Native: Spanish");
    expect(reply.body).toContain("Learning: English B1");
    expect(reply.body).toContain("Interests: hiking");
    expect(reply.body).toContain("Time zone: Europe/Madrid");
    expect(reply.body).toMatch(/Discoverable: yes/);
    expect(reply.body).toMatch(/`match`/);
    expect(reply.formatted_body).toContain(EVIL_ESCAPED);
    expect(reply.formatted_body).not.toContain("<script>");
    expect(profileSummary(undefined).body).toMatch(/have a profile yet.*\n\n.*`native es`/s);
  });

  it("say what a saved profile needs next", () => {
    expect(profileSaved(profile({ learning: [] })).body).toMatch(/`learn en B1`/);
    expect(profileSaved(profile({ native: [] })).body).toMatch(/`native es`/);
    expect(profileSaved(profile({ discoverable: false })).body).toBe(
      "Saved. native Spanish, learning English B1 · interests: hiking · time zone Europe/Madrid · hidden from suggestions.\n\nSend `match` to find partners.",
    );
  });

  it("number suggestions with their reasons, one per line", () => {
    const reply = suggestions([
      suggestion(),
      suggestion({ userId: "@cleo:hs", displayName: EVIL, online: true, summary: "native Welsh" }),
    ]);
    const lines = reply.body.split("\n");
    expect(lines).toContain(
      "1. Ben (@ben:other.example) — native English, learning Spanish A2 · 3 h overlap a week · both like hiking",
    );
    expect(lines).toContain(`2. ${EVIL} (@cleo:hs) · online now — native Welsh`);
    expect(reply.body).toMatch(/`connect 1`/);
    expect(reply.formatted_body).toContain("<ol><li><strong>Ben</strong> (@ben:other.example)");
    expect(reply.formatted_body).toContain(`<strong>${EVIL_ESCAPED}</strong>`);
    expect(reply.formatted_body).not.toContain("<script>");
    expect(suggestions([]).body).toMatch(/Nobody matches you right now/);
  });

  it("tell a recipient who asks and how to answer", () => {
    const reply = requestReceivedNotice(
      request({ requester: { userId: "@ana:hs", displayName: EVIL } }),
      profile(),
    );
    expect(reply.body).toBe(
      `${EVIL} (@ana:hs) would like to practise with you: native Spanish, learning English B1.\n\nReply \`accept\` or \`decline\`.`,
    );
    expect(reply.formatted_body).toContain(EVIL_ESCAPED);
    expect(reply.formatted_body).not.toContain("<script>");
  });

  it("link the new room when a request is accepted", () => {
    const reply = requestAcceptedNotice(request(), "!room:hs", "hs");
    expect(reply.body).toBe(
      "Ben (@ben:other.example) accepted. Your room is ready: open it (https://matrix.to/#/!room:hs?via=hs).",
    );
    expect(reply.formatted_body).toContain(
      '<a href="https://matrix.to/#/!room:hs?via=hs">open it</a>',
    );
    expect(requestAcceptedNotice(request(), null).body).toMatch(/invitation will arrive/);
  });

  it("list partners with their languages and rooms", () => {
    const reply = partnersList([
      {
        partner: { userId: "@ben:other.example", displayName: "Ben", native: ["en"], learning: [] },
        roomId: "!r:hs",
        since: new Date(0),
      },
    ]);
    expect(reply.body).toBe(
      "Your partners:\n\n• Ben (@ben:other.example) — native English · room (https://matrix.to/#/!r:hs)",
    );
    expect(partnersList([]).body).toMatch(/No partners yet/);
  });

  it("welcome both partners by name with both languages, mentioning them", () => {
    const partnership: NewPartnership = {
      requester: profile({ displayName: EVIL }),
      recipient: profile({
        userId: "@ben:other.example",
        displayName: "Ben",
        native: ["en"],
        learning: [{ language: "es", level: "A2" }],
      }),
      requesterLearns: { language: "en", level: "B1" },
      recipientLearns: { language: "es", level: "A2" },
    };
    const reply = partnerWelcome(partnership);
    expect(reply.body).toContain(`Welcome, ${EVIL} and Ben!`);
    expect(reply.body).toContain(`${EVIL} learns English (B1) and speaks Spanish natively.`);
    expect(reply.body).toContain("Ben learns Spanish (A2) and speaks English natively.");
    expect(reply.formatted_body).toContain(
      `<a href="https://matrix.to/#/@ana:hs">${EVIL_ESCAPED}</a>`,
    );
    expect(reply.formatted_body).toContain(
      '<a href="https://matrix.to/#/@ben:other.example">Ben</a>',
    );
    expect(reply.formatted_body).not.toContain("<script>");
  });
});

describe("noticeContent", () => {
  it("is an m.notice with HTML that notifies only whom it names", () => {
    const reply = { body: "hi", formatted_body: "<p>hi</p>" };
    expect(noticeContent(reply)).toEqual({
      msgtype: "m.notice",
      body: "hi",
      format: "org.matrix.custom.html",
      formatted_body: "<p>hi</p>",
      "m.mentions": {},
    });
    expect(noticeContent(reply, ["@a:hs"])["m.mentions"]).toEqual({ user_ids: ["@a:hs"] });
  });
});

describe("matrix.to links", () => {
  it("encode what is not an identifier's own syntax", () => {
    expect(matrixToUser("@ana:hs")).toBe("https://matrix.to/#/@ana:hs");
    expect(matrixToUser("@a/b?:hs")).toBe("https://matrix.to/#/@a%2Fb%3F:hs");
    expect(matrixToRoom("!abc:hs", "hs")).toBe("https://matrix.to/#/!abc:hs?via=hs");
    expect(matrixToRoom("!opaqueV12Id")).toBe("https://matrix.to/#/!opaqueV12Id");
  });
});
