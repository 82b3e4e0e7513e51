import { canonicalLanguageTag, languageCatalogue } from "../domain/languages.js";
import { isMatrixEventId, isMatrixRoomId, isMatrixUserId } from "../domain/matrixIds.js";
import { CEFR_LEVELS, type CefrLevel, isTimeZone, PROFILE_LIMITS } from "../domain/profiles.js";

/** What a learner can ask the bot, as typed data. Language codes are canonical BCP 47 tags. */
export type BotCommand =
  | { name: "help"; topic: CommandName | undefined }
  | { name: "profile" }
  | { name: "native"; languages: string[] }
  | { name: "learn"; language: string; level: CefrLevel }
  | { name: "unlearn"; language: string }
  | { name: "interests"; interests: string[] }
  | { name: "timezone"; timezone: string }
  | { name: "discoverable"; discoverable: boolean }
  | { name: "organisations"; visible: boolean }
  | { name: "match" }
  | { name: "connect"; target: { suggestion: number } | { userId: string } }
  | { name: "requests" }
  | { name: "accept" | "decline"; number: number | undefined }
  | { name: "partners" }
  | { name: "block" | "unblock"; userId: string }
  | {
      name: "report";
      userId: string;
      reason: string;
      /** Event ids (`$…`) found in the reason, as evidence. */
      eventIds: string[];
      /** The room of a matrix.to message link in the reason, if there was one. */
      roomId: string | undefined;
    };

/** The words that start a command, in the order `help` lists them. */
export const COMMAND_NAMES = [
  "help",
  "profile",
  "native",
  "learn",
  "interests",
  "timezone",
  "discoverable",
  "organisations",
  "match",
  "connect",
  "requests",
  "accept",
  "decline",
  "partners",
  "block",
  "unblock",
  "report",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandHelp {
  /** How to type it, e.g. "learn <language> <level>". */
  usage: string;
  /** A complete example, e.g. "learn en B1". */
  example: string;
  /** One line saying what it does. */
  summary: string;
}

// Texts use `backticks` for commands; the replies render them as code.
export const COMMAND_HELP: Record<CommandName, CommandHelp> = {
  help: {
    usage: "help [command]",
    example: "help learn",
    summary: "show this list, or more about one command",
  },
  profile: { usage: "profile", example: "profile", summary: "show your language profile" },
  native: {
    usage: "native <languages>",
    example: "native es, ca",
    summary: "set the languages you speak natively (replaces the list)",
  },
  learn: {
    usage: "learn <language> <level>",
    example: "learn en B1",
    summary:
      "add or update a language you learn, with your CEFR level A1–C2; `learn <language> remove` drops it",
  },
  interests: {
    usage: "interests <words>",
    example: "interests hiking, board games, jazz",
    summary: "set your interests (replaces them; `interests none` clears them)",
  },
  timezone: {
    usage: "timezone <IANA zone>",
    example: "timezone Europe/Madrid",
    summary: "set your time zone",
  },
  discoverable: {
    usage: "discoverable on|off",
    example: "discoverable off",
    summary: "show or hide yourself in other learners' suggestions",
  },
  organisations: {
    usage: "organisations on|off",
    example: "organisations on",
    summary:
      "also show you to learners of our partner organisations (other schools running Xstream), off until you turn it on; they see your name, languages, levels, interests, time zone and free times, nothing else",
  },
  match: { usage: "match", example: "match", summary: "suggest partners, numbered" },
  connect: {
    usage: "connect <number or user id>",
    example: "connect 1",
    summary: "ask a suggested partner to practise with you",
  },
  requests: { usage: "requests", example: "requests", summary: "list your pending requests" },
  accept: {
    usage: "accept [number]",
    example: "accept 2",
    summary: "accept a request; I create a room for the two of you",
  },
  decline: { usage: "decline [number]", example: "decline 2", summary: "decline a request" },
  partners: {
    usage: "partners",
    example: "partners",
    summary: "list your partners and your rooms",
  },
  block: {
    usage: "block <user id>",
    example: "block @someone:example.org",
    summary: "never suggest or connect you with someone again",
  },
  unblock: {
    usage: "unblock <user id>",
    example: "unblock @someone:example.org",
    summary: "undo a block",
  },
  report: {
    usage: "report <user id> <reason>",
    example: "report @someone:example.org insulted me in $eventid",
    summary:
      "tell the moderators; message ids (`$…`) or message links in the reason are kept as evidence",
  },
};

/** Why a message could not be read as a command. */
export type CommandProblem =
  | { kind: "empty" }
  | { kind: "unknown"; word: string; closest: CommandName | undefined }
  /** The command is known but its arguments are not what it expects; `message` says why. */
  | { kind: "usage"; command: CommandName; message: string };

export type ParseResult =
  | { ok: true; command: BotCommand }
  | { ok: false; problem: CommandProblem };

// Other words people type for the same thing.
const ALIASES: Record<string, CommandName> = {
  "?": "help",
  commands: "help",
  start: "help",
  hi: "help",
  hello: "help",
  hey: "help",
  me: "profile",
  myprofile: "profile",
  learning: "learn",
  interest: "interests",
  tz: "timezone",
  zone: "timezone",
  matches: "match",
  suggestions: "match",
  find: "match",
  request: "requests",
  inbox: "requests",
  partner: "partners",
  organizations: "organisations",
};

const isCommandName = (word: string): word is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(word);

function commandNamed(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  return isCommandName(lower) ? lower : ALIASES[lower];
}

// "@xstream:example.org help", "xstream: help", "Xstream, help": people address the bot by
// name out of habit from group chats, and a mention pill becomes the full id.
const MENTION = /^@?xstream(?::(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?)?[:,]?\s+/i;
const NAME_ONLY = /^@?xstream[:,]\s*/i;

/** `text` without the characters of `set` at its start. A loop: linear on any input. */
function trimStartOf(text: string, set: string): string {
  let start = 0;
  while (start < text.length && set.includes(text.charAt(start))) start++;
  return text.slice(start);
}

/**
 * `text` without the characters of `set` at its end. A loop, not `/[…]+$/`: a regular
 * expression anchored only at the end retries from every position of a long run, which is
 * quadratic (a 64 KB run of commas took 16 s).
 */
function trimEndOf(text: string, set: string): string {
  let end = text.length;
  while (end > 0 && set.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

/** Punctuation people put after a command word: "hi," or "match?". */
const WORD_PUNCTUATION = ",.!?:;";

/** The command text of a message: without reply quotes, a leading mention, `!` or `/`. */
function commandText(text: string): string {
  let rest = text.trim();
  // Reply fallbacks (older clients) quote the replied-to message in `> ` lines first.
  while (rest.startsWith(">")) {
    const lineEnd = rest.indexOf("\n");
    rest = lineEnd === -1 ? "" : rest.slice(lineEnd + 1);
  }
  rest = rest.trim().replace(MENTION, "").replace(NAME_ONLY, "").trim();
  return trimStartOf(rest, "!/").trim();
}

/**
 * Reads one message as a bot command. Never throws: anything it cannot read becomes a problem
 * the replies can explain.
 */
export function parseCommand(text: string): ParseResult {
  const input = commandText(text);
  if (input === "") return { ok: false, problem: { kind: "empty" } };
  const [first = "", ...restWords] = input.split(/\s+/);
  const args = input.slice(first.length).trim();
  // "hi," or "match?" are meant as the word alone.
  const word = trimEndOf(first, WORD_PUNCTUATION);
  const name = commandNamed(word);
  if (!name) {
    // "please find me someone": a command word later in the sentence is the best guess.
    const closest =
      closestCommand(word) ??
      restWords.map((other) => commandNamed(trimEndOf(other, WORD_PUNCTUATION))).find(Boolean);
    return { ok: false, problem: { kind: "unknown", word, closest } };
  }

  const usage = (message: string): ParseResult => ({
    ok: false,
    problem: { kind: "usage", command: name, message },
  });
  const ok = (command: BotCommand): ParseResult => ({ ok: true, command });

  switch (name) {
    case "help": {
      const topic = restWords[0] === undefined ? undefined : commandNamed(restWords[0]);
      return ok({ name, topic });
    }
    case "profile":
    case "match":
    case "requests":
    case "partners":
      return ok({ name });
    case "native":
      return parseNative(args, usage, ok);
    case "learn":
      return parseLearn(args, usage, ok);
    case "interests":
      return parseInterests(args, usage, ok);
    case "timezone":
      return parseTimezone(args, usage, ok);
    case "discoverable": {
      const value = args.toLowerCase();
      if (["on", "yes", "true", "show"].includes(value)) return ok({ name, discoverable: true });
      if (["off", "no", "false", "hide"].includes(value)) return ok({ name, discoverable: false });
      return usage("Say `discoverable on` to appear in suggestions or `discoverable off` to hide.");
    }
    case "organisations": {
      const value = args.toLowerCase();
      if (["on", "yes", "true", "show"].includes(value)) return ok({ name, visible: true });
      if (["off", "no", "false", "hide"].includes(value)) return ok({ name, visible: false });
      return usage(
        "Say `organisations on` to be shown to partner organisations' learners too, or `organisations off` to stop.",
      );
    }
    case "connect": {
      const number = positiveNumber(args);
      if (number !== undefined) return ok({ name, target: { suggestion: number } });
      if (isMatrixUserId(args)) return ok({ name, target: { userId: args } });
      return usage(
        "Give the number of a suggestion from your last `match` list, e.g. `connect 1`, or a full Matrix id, e.g. `connect @ana:example.org`.",
      );
    }
    case "accept":
    case "decline": {
      if (args === "") return ok({ name, number: undefined });
      const number = positiveNumber(args);
      if (number !== undefined) return ok({ name, number });
      return usage(
        `Give the number of the request, e.g. \`${name} 1\`, or just \`${name}\` to see your requests.`,
      );
    }
    case "block":
    case "unblock": {
      if (isMatrixUserId(args)) return ok({ name, userId: args });
      return usage(
        `Give their full Matrix id, e.g. \`${name} @someone:example.org\`${args ? ` ("${args}" is not one)` : ""}.`,
      );
    }
    case "report":
      return parseReport(args, usage, ok);
  }
}

type Usage = (message: string) => ParseResult;
type Ok = (command: BotCommand) => ParseResult;

function positiveNumber(text: string): number | undefined {
  const match = /^#?(\d{1,4})\.?$/.exec(text);
  const number = match ? Number(match[1]) : 0;
  return number >= 1 ? number : undefined;
}

let languagesByName: Map<string, string> | undefined;

/** A language code (`es`, `pt-br`) or English name (`Spanish`) as a canonical tag. */
export function resolveLanguage(text: string): string | undefined {
  const trimmed = text.trim();
  const canonical = canonicalLanguageTag(trimmed);
  if (canonical) return canonical;
  languagesByName ??= new Map(
    languageCatalogue().map((language) => [language.name.toLowerCase(), language.code]),
  );
  return languagesByName.get(trimmed.toLowerCase().replace(/\s+/g, " "));
}

const UNKNOWN_LANGUAGE_HINT =
  "Use a language code such as `en`, `es` or `pt-BR`, or its English name.";

function parseNative(args: string, usage: Usage, ok: Ok): ParseResult {
  if (args === "") {
    return usage(
      "Tell me which languages you speak natively, e.g. `native es` or `native es, ca`.",
    );
  }
  // A whole name may have spaces ("Brazilian Portuguese"); otherwise items are separated by
  // commas, or by spaces when there are no commas.
  const whole = args.includes(",") ? undefined : resolveLanguage(args);
  const items = whole
    ? [args]
    : args
        .split(args.includes(",") ? "," : /\s+/)
        .map((item) => item.trim())
        .filter((item) => item !== "" && !["and", "&", "+"].includes(item.toLowerCase()));
  // Checked before looking any up: a long list costs a registry lookup per item.
  if (items.length > PROFILE_LIMITS.native) {
    return usage(`List at most ${PROFILE_LIMITS.native} native languages.`);
  }
  const languages: string[] = [];
  for (const item of items) {
    const code = resolveLanguage(item);
    if (!code) return usage(`I don't know the language "${item}". ${UNKNOWN_LANGUAGE_HINT}`);
    if (!languages.includes(code)) languages.push(code);
  }
  if (languages.length === 0) return usage("Tell me at least one language, e.g. `native es`.");
  return ok({ name: "native", languages });
}

const LEVEL_WORDS: Record<string, string> = {
  beginner: "A1 or A2",
  elementary: "A2",
  intermediate: "B1 or B2",
  advanced: "C1 or C2",
  fluent: "C1 or C2",
};

function parseLearn(args: string, usage: Usage, ok: Ok): ParseResult {
  const words = args.split(/\s+/).filter(Boolean);
  const levelWord = words.at(-1);
  if (words.length < 2 || levelWord === undefined) {
    return usage(
      "Tell me the language and your CEFR level (A1 beginner … C2 mastery), e.g. `learn en B1`.",
    );
  }
  const languageText = words.slice(0, -1).join(" ");
  const language = resolveLanguage(languageText);
  if (!language)
    return usage(`I don't know the language "${languageText}". ${UNKNOWN_LANGUAGE_HINT}`);

  const level = levelWord.toUpperCase();
  if (level === "REMOVE" || level === "STOP" || level === "DELETE") {
    return ok({ name: "unlearn", language });
  }
  if (level === "NATIVE") {
    return usage(`Native languages have their own command: \`native ${language}\`.`);
  }
  const cefr = CEFR_LEVELS.find((candidate) => candidate === level);
  if (cefr) return ok({ name: "learn", language, level: cefr });
  const hint = LEVEL_WORDS[levelWord.toLowerCase()];
  return usage(
    `"${levelWord}" is not a CEFR level${hint ? ` (${levelWord.toLowerCase()} is about ${hint})` : ""}. Use A1, A2, B1, B2, C1 or C2, e.g. \`learn ${language} B1\`, or \`learn ${language} remove\` to drop it.`,
  );
}

function parseInterests(args: string, usage: Usage, ok: Ok): ParseResult {
  if (args === "") {
    return usage(
      "List your interests, e.g. `interests hiking, board games, jazz`, or `interests none` to clear them.",
    );
  }
  if (args.toLowerCase() === "none") return ok({ name: "interests", interests: [] });
  const interests = args
    .split(args.includes(",") ? "," : /\s+/)
    .map((item) => item.trim().replace(/^#/, ""))
    .filter(Boolean);
  return ok({ name: "interests", interests });
}

let zonesByLowerCase: Map<string, string> | undefined;

function parseTimezone(args: string, usage: Usage, ok: Ok): ParseResult {
  const example = "e.g. `timezone Europe/Madrid` or `timezone America/New_York`";
  if (args === "") return usage(`Tell me your IANA time zone, ${example}.`);
  zonesByLowerCase ??= new Map(
    [...Intl.supportedValuesOf("timeZone"), "UTC"].map((zone) => [zone.toLowerCase(), zone]),
  );
  // People type "europe/madrid" or "America/New York".
  const zone = zonesByLowerCase.get(args.toLowerCase().replace(/ /g, "_"));
  if (zone) return ok({ name: "timezone", timezone: zone });
  // Links such as Asia/Calcutta are valid but not listed.
  if (isTimeZone(args)) return ok({ name: "timezone", timezone: args });
  return usage(`"${args}" is not an IANA time zone. Use a Region/City name, ${example}.`);
}

const MATRIX_TO = /https:\/\/matrix\.to\/#\/([^\s?]+)(\?\S*)?/g;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Event ids and the room of matrix.to message links in free text. */
export function evidenceIn(text: string): { eventIds: string[]; roomId: string | undefined } {
  const eventIds = new Set<string>();
  let roomId: string | undefined;
  for (const link of text.matchAll(MATRIX_TO)) {
    const [room, event] = (link[1] ?? "").split("/").map(decode);
    if (room && event && isMatrixRoomId(room) && isMatrixEventId(event)) {
      roomId ??= room;
      eventIds.add(event);
    }
  }
  for (const word of text.replace(MATRIX_TO, " ").split(/\s+/)) {
    const token = trimEndOf(trimStartOf(word, "(\"'\u201c"), ")\"'\u201d.,;:!?");
    // Only what the spec calls an event id, so "$50" or "$5k" stays money.
    if (isMatrixEventId(token)) eventIds.add(token);
  }
  return { eventIds: [...eventIds], roomId };
}

function parseReport(args: string, usage: Usage, ok: Ok): ParseResult {
  const [userId = "", ...reasonWords] = args.split(/\s+/);
  const reason = args.slice(userId.length).trim();
  if (!isMatrixUserId(userId)) {
    return usage(
      "Start with their full Matrix id, then say what happened, e.g. `report @someone:example.org insulted me`.",
    );
  }
  if (reasonWords.length === 0 || reason === "") {
    return usage(
      `Say what happened after the id, e.g. \`report ${userId} sent insults\`. Add message ids (\`$…\`) or message links as evidence.`,
    );
  }
  return ok({ name: "report", userId, reason, ...evidenceIn(reason) });
}

/** Edit distance with adjacent transpositions counting as one ("mtach" → "match"). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

const LONGEST_CANDIDATE = Math.max(
  ...[...COMMAND_NAMES, ...Object.keys(ALIASES)].map((candidate) => candidate.length),
);

/** The command `word` was probably meant to be, if one is close enough. */
export function closestCommand(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = COMMAND_NAMES.filter((name) => name.startsWith(lower));
    if (prefixed.length === 1) return prefixed[0];
  }
  const allowed = lower.length >= 5 ? 2 : 1;
  // Nothing longer can be within reach, and the distance table grows with the word's length.
  if (lower.length > LONGEST_CANDIDATE + allowed) return undefined;
  let best: { name: CommandName; distance: number } | undefined;
  for (const [candidate, name] of [
    ...COMMAND_NAMES.map((name) => [name, name] as const),
    ...Object.entries(ALIASES),
  ]) {
    const distance = editDistance(lower, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
