import { describe, expect, it } from "vitest";
import {
  type BotCommand,
  COMMAND_HELP,
  COMMAND_NAMES,
  type CommandProblem,
  closestCommand,
  evidenceIn,
  parseCommand,
  resolveLanguage,
} from "./botCommands.js";

/** An event id of room version 4 and later: `$` and 43 characters of URL-safe base64. */
const EVENT_V4 = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";

function command(text: string): BotCommand {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(`expected a command from ${JSON.stringify(text)}`);
  return parsed.command;
}

function problem(text: string): CommandProblem {
  const parsed = parseCommand(text);
  if (parsed.ok) throw new Error(`expected a problem from ${JSON.stringify(text)}`);
  return parsed.problem;
}

/** The usage problem's message, checking which command it is about. */
function usage(text: string, name: string): string {
  const found = problem(text);
  expect(found).toMatchObject({ kind: "usage", command: name });
  return found.kind === "usage" ? found.message : "";
}

describe("parseCommand", () => {
  it("reads commands case-insensitively, with a leading ! or / or a mention of the bot", () => {
    for (const text of [
      "help",
      "HELP",
      "  Help  ",
      "!help",
      "/help",
      "xstream: help",
      "Xstream, help",
      "@xstream:example.org help",
      "@xstream:example.org: help",
      "@xstream:localhost:8448 help",
      "hi",
      "Hello!",
    ]) {
      expect(command(text), text).toEqual({ name: "help", topic: undefined });
    }
  });

  it("skips the quoted lines of a reply fallback", () => {
    expect(command("> <@xstream:hs> Hi! Send help\n\nmatch")).toEqual({ name: "match" });
  });

  it("reads help about one command, by name or alias", () => {
    expect(command("help learn")).toEqual({ name: "help", topic: "learn" });
    expect(command("help tz")).toEqual({ name: "help", topic: "timezone" });
    expect(command("help nonsense")).toEqual({ name: "help", topic: undefined });
  });

  it("reads commands without arguments, ignoring extra words", () => {
    expect(command("profile")).toEqual({ name: "profile" });
    expect(command("match please")).toEqual({ name: "match" });
    expect(command("requests")).toEqual({ name: "requests" });
    expect(command("partners")).toEqual({ name: "partners" });
    expect(command("suggestions")).toEqual({ name: "match" });
  });

  describe("native", () => {
    it("takes codes or names, separated by commas or spaces, canonical and without repeats", () => {
      expect(command("native es")).toEqual({ name: "native", languages: ["es"] });
      expect(command("native es, ca")).toEqual({ name: "native", languages: ["es", "ca"] });
      expect(command("native es ca ES")).toEqual({ name: "native", languages: ["es", "ca"] });
      expect(command("native pt-br")).toEqual({ name: "native", languages: ["pt-BR"] });
      expect(command("native Spanish and Catalan")).toEqual({
        name: "native",
        languages: ["es", "ca"],
      });
      expect(command("native Brazilian Portuguese")).toEqual({
        name: "native",
        languages: ["pt-BR"],
      });
      expect(command("native Brazilian Portuguese, english")).toEqual({
        name: "native",
        languages: ["pt-BR", "en"],
      });
    });

    it("explains what it expects", () => {
      expect(usage("native", "native")).toMatch(/`native es`/);
      expect(usage("native xx", "native")).toMatch(/"xx".*`en`/);
      expect(usage("native es, klingonese", "native")).toMatch(/"klingonese"/);
      expect(usage("native ,", "native")).toMatch(/at least one/);
    });
  });

  describe("learn", () => {
    it("takes a language and a CEFR level in any case", () => {
      expect(command("learn en B1")).toEqual({ name: "learn", language: "en", level: "B1" });
      expect(command("Learn EN c2")).toEqual({ name: "learn", language: "en", level: "C2" });
      expect(command("learn Brazilian Portuguese a2")).toEqual({
        name: "learn",
        language: "pt-BR",
        level: "A2",
      });
    });

    it("removes a language with `remove`", () => {
      expect(command("learn en remove")).toEqual({ name: "unlearn", language: "en" });
    });

    it("sends native languages to `native`", () => {
      expect(usage("learn es native", "learn")).toMatch(/`native es`/);
    });

    it("explains levels and missing arguments", () => {
      expect(usage("learn es Z9", "learn")).toMatch(
        /"Z9" is not a CEFR level.*A1, A2, B1, B2, C1 or C2/,
      );
      expect(usage("learn es Z9", "learn")).toMatch(/`learn es B1`/);
      expect(usage("learn es intermediate", "learn")).toMatch(/intermediate is about B1 or B2/);
      expect(usage("learn es", "learn")).toMatch(/`learn en B1`/);
      expect(usage("learn", "learn")).toMatch(/CEFR/);
      expect(usage("learn xx B1", "learn")).toMatch(/"xx"/);
    });
  });

  describe("interests", () => {
    it("splits on commas when there are any, else on spaces", () => {
      expect(command("interests hiking, board games,jazz")).toEqual({
        name: "interests",
        interests: ["hiking", "board games", "jazz"],
      });
      expect(command("interests hiking chess #jazz")).toEqual({
        name: "interests",
        interests: ["hiking", "chess", "jazz"],
      });
    });

    it("clears them with `none` and explains an empty list", () => {
      expect(command("interests none")).toEqual({ name: "interests", interests: [] });
      expect(usage("interests", "interests")).toMatch(/`interests none`/);
    });
  });

  describe("timezone", () => {
    it("takes IANA zones, fixing their case", () => {
      expect(command("timezone Europe/Madrid")).toEqual({
        name: "timezone",
        timezone: "Europe/Madrid",
      });
      expect(command("tz europe/madrid")).toEqual({ name: "timezone", timezone: "Europe/Madrid" });
      expect(command("timezone America/New York")).toEqual({
        name: "timezone",
        timezone: "America/New_York",
      });
      expect(command("timezone utc")).toEqual({ name: "timezone", timezone: "UTC" });
    });

    it("explains what a zone looks like", () => {
      expect(usage("timezone Mars/Olympus", "timezone")).toMatch(/IANA.*`timezone Europe\/Madrid`/);
      expect(usage("timezone", "timezone")).toMatch(/IANA/);
      expect(usage("timezone UTC+2", "timezone")).toMatch(/"UTC\+2"/);
    });
  });

  it("reads discoverable on and off", () => {
    expect(command("discoverable off")).toEqual({ name: "discoverable", discoverable: false });
    expect(command("discoverable YES")).toEqual({ name: "discoverable", discoverable: true });
    expect(usage("discoverable maybe", "discoverable")).toMatch(/`discoverable on`/);
  });

  describe("connect", () => {
    it("takes a suggestion number or a user id, local or remote", () => {
      expect(command("connect 2")).toEqual({ name: "connect", target: { suggestion: 2 } });
      expect(command("connect #3")).toEqual({ name: "connect", target: { suggestion: 3 } });
      expect(command("connect @ana:example.org")).toEqual({
        name: "connect",
        target: { userId: "@ana:example.org" },
      });
    });

    it("explains both forms", () => {
      for (const text of ["connect", "connect 0", "connect ana", "connect -1"]) {
        expect(usage(text, "connect"), text).toMatch(/`connect 1`.*`connect @ana:example.org`/);
      }
    });
  });

  it("reads accept and decline with an optional number", () => {
    expect(command("accept")).toEqual({ name: "accept", number: undefined });
    expect(command("accept 2")).toEqual({ name: "accept", number: 2 });
    expect(command("Decline 1")).toEqual({ name: "decline", number: 1 });
    expect(usage("accept Ana", "accept")).toMatch(/`accept 1`/);
    expect(usage("decline first", "decline")).toMatch(/`decline 1`/);
  });

  it("reads block and unblock with a full user id", () => {
    expect(command("block @troll:other.example")).toEqual({
      name: "block",
      userId: "@troll:other.example",
    });
    expect(command("unblock @troll:other.example")).toEqual({
      name: "unblock",
      userId: "@troll:other.example",
    });
    expect(usage("block troll", "block")).toMatch(/`block @someone:example.org`.*"troll"/);
    expect(usage("unblock", "unblock")).toMatch(/full Matrix id/);
  });

  describe("report", () => {
    it("keeps the reason and takes event ids in it as evidence", () => {
      expect(
        command(
          "report @troll:hs insulted me in $Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg and ($Def_-9:hs).",
        ),
      ).toEqual({
        name: "report",
        userId: "@troll:hs",
        reason: "insulted me in $Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg and ($Def_-9:hs).",
        eventIds: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", "$Def_-9:hs"],
        roomId: undefined,
      });
    });

    it("reads message links of any room version, and leaves money alone", () => {
      const parsed = command(
        "report @troll:hs asked me for $50 and $5k here https://matrix.to/#/!room:hs/%24evt1:hs?via=hs",
      );
      expect(parsed).toMatchObject({ eventIds: ["$evt1:hs"], roomId: "!room:hs" });
      const v12Room = "!Hn9Qs5YkQsfvGXfNcqxbUWzAhJwSzhmaQDBeEYFa-_Q";
      const v12 = command(
        `report @troll:hs rude https://matrix.to/#/${v12Room}/${encodeURIComponent(EVENT_V4)}`,
      );
      expect(v12).toMatchObject({ eventIds: [EVENT_V4], roomId: v12Room });
    });

    it("needs a user id and a reason", () => {
      expect(usage("report", "report")).toMatch(/`report @someone:example.org insulted me`/);
      expect(usage("report troll is rude", "report")).toMatch(/full Matrix id/);
      expect(usage("report @troll:hs", "report")).toMatch(/`report @troll:hs sent insults`/);
    });
  });

  describe("anything else", () => {
    it("names the closest command", () => {
      expect(problem("mtach")).toEqual({ kind: "unknown", word: "mtach", closest: "match" });
      expect(problem("porfile")).toEqual({ kind: "unknown", word: "porfile", closest: "profile" });
      expect(problem("Natvie es")).toEqual({ kind: "unknown", word: "Natvie", closest: "native" });
      expect(problem("conn 1")).toEqual({ kind: "unknown", word: "conn", closest: "connect" });
    });

    it("falls back to a command word later in the sentence, else suggests nothing", () => {
      expect(problem("please find me someone")).toEqual({
        kind: "unknown",
        word: "please",
        closest: "match",
      });
      expect(problem("what is my profile?")).toMatchObject({ closest: "profile" });
      expect(problem("good morning to you")).toEqual({
        kind: "unknown",
        word: "good",
        closest: undefined,
      });
    });

    it("treats an empty message or a bare mention as empty", () => {
      expect(problem("")).toEqual({ kind: "empty" });
      expect(problem("  !  ")).toEqual({ kind: "empty" });
      expect(problem("xstream:")).toEqual({ kind: "empty" });
    });
  });

  it("has help for every command, with an example that parses", () => {
    for (const name of COMMAND_NAMES) {
      const help = COMMAND_HELP[name];
      expect(help.usage.startsWith(name), name).toBe(true);
      const parsed = parseCommand(help.example);
      expect(parsed.ok, help.example).toBe(true);
    }
  });
});

describe("closestCommand", () => {
  it("counts a swap of neighbours as one typo and prefers the nearest", () => {
    expect(closestCommand("acept")).toBe("accept");
    expect(closestCommand("timzone")).toBe("timezone");
    expect(closestCommand("xyz")).toBeUndefined();
  });
});

describe("resolveLanguage", () => {
  it("accepts codes and English names", () => {
    expect(resolveLanguage("EN")).toBe("en");
    expect(resolveLanguage("welsh")).toBe("cy");
    expect(resolveLanguage("iw")).toBeUndefined(); // deprecated: he
    expect(resolveLanguage("Klingonese")).toBeUndefined();
  });
});

describe("evidenceIn", () => {
  it("collects each event id once", () => {
    expect(evidenceIn(`${EVENT_V4}, ${EVENT_V4} and $xyz:hs: and $abc`)).toEqual({
      eventIds: [EVENT_V4, "$xyz:hs"],
      roomId: undefined,
    });
  });
});
