import { languageName } from "../domain/languages.js";
import type { Suggestion } from "../domain/matching.js";
import type {
  NewPartnership,
  PartnerRequestView,
  PartnershipView,
  PersonView,
  ReportView,
} from "../domain/partnerContext.js";
import type { LearningLanguage, Profile } from "../domain/profiles.js";
import { escapeHtml } from "../html.js";
import {
  COMMAND_HELP,
  COMMAND_NAMES,
  type CommandName,
  type CommandProblem,
} from "./botCommands.js";

/** A bot message as Matrix clients read it: plain text, and the same as HTML. */
export interface RenderedReply {
  body: string;
  formatted_body: string;
}

/** A piece of a message in both renderings. */
interface Rich {
  text: string;
  html: string;
}
type Part = string | Rich;
type Block = { paragraph: Part[] } | { list: Part[][]; numbered: boolean };

const textOf = (part: Part) => (typeof part === "string" ? part : part.text);
const htmlOf = (part: Part) => (typeof part === "string" ? escapeHtml(part) : part.html);
const join = (parts: Part[]): Rich => ({
  text: parts.map(textOf).join(""),
  html: parts.map(htmlOf).join(""),
});

/** Fixed wording where `backticks` mark commands, shown as code. Never for user input. */
function md(text: string): Rich {
  return join(
    text
      .split("`")
      .map((piece, i) =>
        i % 2 === 1 ? { text: `\`${piece}\``, html: `<code>${escapeHtml(piece)}</code>` } : piece,
      ),
  );
}
const code = (text: string): Rich => ({
  text: `\`${text}\``,
  html: `<code>${escapeHtml(text)}</code>`,
});
const strong = (text: string): Rich => ({ text, html: `<strong>${escapeHtml(text)}</strong>` });
const link = (href: string, label: string): Rich => ({
  text: label === href ? href : `${label} (${href})`,
  html: `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`,
});

/** Someone named with their id, so people on any client can tell who it is and copy the id. */
const person = (who: PersonView): Rich =>
  join([
    strong(who.displayName || who.userId),
    who.displayName ? ` (${who.userId})` : "",
    who.organisation ? ` · from ${who.organisation}` : "",
  ]);

/** A mention pill for the people a message is about (notifies them with `m.mentions`). */
const pill = (who: PersonView): Rich => ({
  text: who.displayName || who.userId,
  html: `<a href="${escapeHtml(matrixToUser(who.userId))}">${escapeHtml(who.displayName || who.userId)}</a>`,
});

function render(blocks: Block[]): RenderedReply {
  const body = blocks.map((block) => {
    if ("paragraph" in block) return join(block.paragraph).text;
    return block.list
      .map((item, i) => `${block.numbered ? `${i + 1}.` : "•"} ${join(item).text}`)
      .join("\n");
  });
  const html = blocks.map((block) => {
    if ("paragraph" in block) return `<p>${join(block.paragraph).html}</p>`;
    const tag = block.numbered ? "ol" : "ul";
    return `<${tag}>${block.list.map((item) => `<li>${join(item).html}</li>`).join("")}</${tag}>`;
  });
  return { body: body.join("\n\n"), formatted_body: html.join("") };
}

const p = (...parts: Part[]): Block => ({ paragraph: parts });
const numbered = (items: Part[][]): Block => ({ list: items, numbered: true });
const bullets = (items: Part[][]): Block => ({ list: items, numbered: false });

/** `m.room.message` content for a reply; `mentions` are the users it should notify. */
export function noticeContent(
  reply: RenderedReply,
  mentions: readonly string[] = [],
): Record<string, unknown> {
  return {
    msgtype: "m.notice",
    body: reply.body,
    format: "org.matrix.custom.html",
    formatted_body: reply.formatted_body,
    // An explicit (possibly empty) list stops clients from notifying on names in the text.
    "m.mentions": mentions.length ? { user_ids: [...mentions] } : {},
  };
}

// matrix.to wants identifiers URI-encoded; the sigils and `:` read better as they are.
const matrixToId = (id: string) =>
  encodeURIComponent(id).replace(/%40/g, "@").replace(/%3A/gi, ":").replace(/%24/g, "$");

export function matrixToUser(userId: string): string {
  return `https://matrix.to/#/${matrixToId(userId)}`;
}

/** A link to a room; `via` names a server that can join people to it. */
export function matrixToRoom(roomId: string, via?: string): string {
  return `https://matrix.to/#/${matrixToId(roomId)}${via ? `?via=${encodeURIComponent(via)}` : ""}`;
}

// --- describing learners ----------------------------------------------------------------

const learningText = (entry: LearningLanguage) => `${languageName(entry.language)} ${entry.level}`;

/** "native Spanish, learning English B1" (the wording matching uses too). */
export function describeLanguages(profile: Pick<Profile, "native" | "learning">): string {
  const parts: string[] = [];
  if (profile.native.length) parts.push(`native ${profile.native.map(languageName).join(", ")}`);
  if (profile.learning.length)
    parts.push(`learning ${profile.learning.map(learningText).join(", ")}`);
  return parts.join(", ") || "no languages yet";
}

// --- conversation -----------------------------------------------------------------------

export function greeting(): RenderedReply {
  return render([
    p(
      "Hi! I'm the Xstream bot. I find you language-exchange partners: people who speak the language you learn and learn the language you speak.",
    ),
    p(
      md(
        "Start with `native es` (the languages you speak natively) and `learn en B1` (a language you learn and your level), then send `match`. Send `help` for everything I can do.",
      ),
    ),
  ]);
}

export function help(topic?: CommandName): RenderedReply {
  if (topic) {
    const about = COMMAND_HELP[topic];
    return render([
      p(code(about.usage), " — ", md(about.summary), "."),
      p("For example: ", code(about.example)),
    ]);
  }
  return render([
    p("Here is what I understand (commands are case-insensitive):"),
    bullets(
      COMMAND_NAMES.map((name) => [
        code(COMMAND_HELP[name].usage),
        " — ",
        md(COMMAND_HELP[name].summary),
      ]),
    ),
    p(
      md(
        "Languages are codes such as `en`, `es`, `pt-BR` or English names; levels are CEFR A1–C2. Send `help <command>` for an example.",
      ),
    ),
    p(
      md(
        "Each partner room has the Xstream panel: both your languages and levels, a practice timer that switches language for you both, conversation prompts and corrections. In Element, open the room info (the ⓘ button), find Xstream under Extensions (Widgets in older versions) and it opens in the right panel; allow what it asks for.",
      ),
    ),
  ]);
}

export function problem(found: CommandProblem): RenderedReply {
  switch (found.kind) {
    case "empty":
      return render([p(md("Send `help` to see what I can do."))]);
    case "unknown":
      return render([
        p(
          `I don't know "${found.word}".`,
          found.closest ? join([" Did you mean ", code(found.closest), "?"]) : "",
        ),
        p(md("Send `help` to see everything I can do.")),
      ]);
    case "usage":
      return render([
        p(md(found.message)),
        p(
          "Usage: ",
          code(COMMAND_HELP[found.command].usage),
          md(` (more with \`help ${found.command}\`)`),
        ),
      ]);
  }
}

/**
 * A domain refusal, e.g. an invalid profile or a request that already exists. The message may
 * quote the learner's input, so it is shown as plain text; `hint` is the bot's own wording.
 */
export function refused(message: string, hint?: string): RenderedReply {
  return render([p(message, hint ? join([" ", md(hint)]) : "")]);
}

/** Why the bot did not do something, in its own words (with `commands`). */
export function explained(message: string): RenderedReply {
  return render([p(md(message))]);
}

/** A message longer than any command; it was not read. */
export function tooLong(): RenderedReply {
  return render([
    p("Sorry, that message is too long for me to read as a command."),
    p(md("Commands are short, e.g. `match` or `learn en B1`. Send `help` to see them all.")),
  ]);
}

export function somethingWentWrong(): RenderedReply {
  return render([p("Something went wrong on our side, please try again in a moment.")]);
}

// --- profiles ----------------------------------------------------------------------------

export function profileSummary(profile: Profile | undefined): RenderedReply {
  if (!profile) {
    return render([
      p("You don't have a profile yet."),
      p(md("Start with `native es` and `learn en B1` (your own languages, of course).")),
    ]);
  }
  const none = (list: readonly unknown[]) => (list.length ? undefined : "none yet");
  return render([
    p("Your profile, ", person(profile), ":"),
    bullets([
      ["Native: ", none(profile.native) ?? profile.native.map(languageName).join(", ")],
      ["Learning: ", none(profile.learning) ?? profile.learning.map(learningText).join(", ")],
      ["Interests: ", none(profile.interests) ?? profile.interests.join(", ")],
      ["Time zone: ", profile.timezone],
      [
        "Discoverable: ",
        profile.discoverable
          ? md("yes, others can find you (`discoverable off` hides you)")
          : md("no, you are hidden from suggestions (`discoverable on` shows you)"),
      ],
    ]),
    nextStep(profile),
  ]);
}

function nextStep(profile: Profile): Block {
  if (!profile.native.length)
    return p(md("Next: tell me your native languages, e.g. `native es`."));
  if (!profile.learning.length) return p(md("Next: add a language you learn, e.g. `learn en B1`."));
  return p(md("Send `match` to find partners."));
}

/** The profile after a change, with what to do next. */
export function profileSaved(profile: Profile): RenderedReply {
  const details = [
    describeLanguages(profile),
    profile.interests.length ? `interests: ${profile.interests.join(", ")}` : "",
    `time zone ${profile.timezone}`,
    profile.discoverable ? "" : "hidden from suggestions",
  ].filter(Boolean);
  return render([p("Saved. ", `${details.join(" · ")}.`), nextStep(profile)]);
}

// --- partners ----------------------------------------------------------------------------

export function suggestions(found: readonly Suggestion[]): RenderedReply {
  if (!found.length) {
    return render([
      p("Nobody matches you right now. New learners join every day; try again later."),
      p(
        md(
          "Adding another native language, or a second language you learn, widens the search (`profile` shows yours).",
        ),
      ),
    ]);
  }
  return render([
    p("People you could practise with:"),
    numbered(
      found.map((suggestion) => [
        person(suggestion),
        suggestion.online ? " · online now" : "",
        " — ",
        suggestion.summary,
      ]),
    ),
    p(md(`Send \`connect <number>\`, e.g. \`connect 1\`, to ask someone.`)),
  ]);
}

export function unknownSuggestion(number: number, shown: number): RenderedReply {
  if (shown === 0)
    return render([p(md("Send `match` first to see suggestions, then `connect 1`."))]);
  return render([
    p(
      md(
        `Your last \`match\` list has ${shown} ${shown === 1 ? "person" : "people"}, so there is no number ${number}. Send \`match\` to see it again.`,
      ),
    ),
  ]);
}

export function requestSent(request: PartnerRequestView): RenderedReply {
  return render([
    p(
      "I asked ",
      person(request.recipient),
      " to practise with you. I'll tell you here when they accept.",
    ),
  ]);
}

export function noPendingRequests(): RenderedReply {
  return render([p(md("You have no pending requests. Send `match` to find partners."))]);
}

/** Incoming requests numbered as `accept <n>` / `decline <n>` count them. */
export function pendingRequests(
  incoming: readonly PartnerRequestView[],
  outgoing: readonly PartnerRequestView[] = [],
): RenderedReply {
  const blocks: Block[] = [];
  if (incoming.length) {
    blocks.push(
      p(
        `${incoming.length === 1 ? "One person wants" : `${incoming.length} people want`} to practise with you:`,
      ),
      numbered(incoming.map((request) => [person(request.requester)])),
      p(
        md(
          incoming.length === 1
            ? "Reply `accept` or `decline`."
            : "Reply `accept <number>` or `decline <number>`, e.g. `accept 1`.",
        ),
      ),
    );
  }
  if (outgoing.length) {
    blocks.push(
      p("Waiting for an answer from:"),
      bullets(outgoing.map((request) => [person(request.recipient)])),
    );
  }
  return blocks.length ? render(blocks) : noPendingRequests();
}

export function unknownRequest(number: number, count: number): RenderedReply {
  return render([
    p(
      md(
        `You have ${count} pending ${count === 1 ? "request" : "requests"}, so there is no number ${number}. Send \`requests\` to see them.`,
      ),
    ),
  ]);
}

function roomSentence(roomId: string | null, via: string | undefined): Part[] {
  return roomId
    ? ["Your room is ready: ", link(matrixToRoom(roomId, via), "open it"), "."]
    : ["I'm setting up your room; the invitation will arrive shortly."];
}

/** To the learner who accepted, in their DM. */
export function partnershipStarted(partnership: PartnershipView, via?: string): RenderedReply {
  return render([
    p(
      "You and ",
      person(partnership.partner),
      " are partners now. ",
      ...roomSentence(partnership.roomId, via),
    ),
  ]);
}

export function requestDeclined(request: PartnerRequestView): RenderedReply {
  return render([p("Declined the request from ", person(request.requester), ".")]);
}

export function partnersList(
  partnerships: readonly PartnershipView[],
  via?: string,
): RenderedReply {
  if (!partnerships.length) {
    return render([
      p(md("No partners yet. Send `match` to find some, or `requests` to see who asked you.")),
    ]);
  }
  return render([
    p("Your partners:"),
    bullets(
      partnerships.map(({ partner, roomId }) => [
        person(partner),
        " — ",
        describeLanguages(partner),
        roomId ? join([" · ", link(matrixToRoom(roomId, via), "room")]) : "",
      ]),
    ),
  ]);
}

export function blocked(userId: string): RenderedReply {
  return render([
    p(
      "Blocked ",
      code(userId),
      ". You won't be suggested to each other and they can't send you requests.",
    ),
    p(md(`\`unblock ${userId}\` undoes it.`)),
  ]);
}

export function unblocked(userId: string): RenderedReply {
  return render([p("Unblocked ", code(userId), ".")]);
}

export function reported(report: ReportView): RenderedReply {
  const evidence = report.eventIds.length;
  return render([
    p(
      "Thank you. Your report about ",
      code(report.reported),
      evidence ? ` (with ${evidence} ${evidence === 1 ? "message" : "messages"} as evidence)` : "",
      " went to the moderators.",
    ),
    p(md(`If you don't want to hear from them again, also send \`block ${report.reported}\`.`)),
  ]);
}

// --- notices outside the learner's own commands ------------------------------------------

/** To the recipient of a request, in their DM with the bot. */
export function requestReceivedNotice(
  request: PartnerRequestView,
  requester: Profile,
): RenderedReply {
  return render([
    p(
      person(request.requester),
      " would like to practise with you: ",
      describeLanguages(requester),
      ".",
    ),
    p(md("Reply `accept` or `decline`.")),
  ]);
}

/** To the requester, in their DM with the bot. */
export function requestAcceptedNotice(
  request: PartnerRequestView,
  roomId: string | null,
  via?: string,
): RenderedReply {
  return render([p(person(request.recipient), " accepted. ", ...roomSentence(roomId, via))]);
}

/** "Spanish ↔ English": what the requester teaches, then what they learn. */
export function exchangedLanguages(partnership: NewPartnership): [string, string] {
  const teaches = partnership.recipientLearns?.language ?? partnership.requester.native[0] ?? "";
  const learns = partnership.requesterLearns?.language ?? partnership.recipient.native[0] ?? "";
  return [languageName(teaches), languageName(learns)];
}

/** The first message in a partners' new room. */
export function partnerWelcome(partnership: NewPartnership): RenderedReply {
  const { requester, recipient, requesterLearns, recipientLearns } = partnership;
  const side = (who: Profile, learns: NewPartnership["requesterLearns"], teaches: string) =>
    join([
      pill(who),
      learns
        ? ` learns ${languageName(learns.language)} (${learns.level}) and speaks ${teaches} natively.`
        : ` speaks ${teaches} natively.`,
    ]);
  const [requesterTeaches, recipientTeaches] = exchangedLanguages(partnership);
  return render([
    p(
      "Welcome, ",
      pill(requester),
      " and ",
      pill(recipient),
      "! This is your language-exchange room.",
    ),
    p(
      side(requester, requesterLearns, requesterTeaches),
      " ",
      side(recipient, recipientLearns, recipientTeaches),
    ),
    p(
      `Tip: take turns — some time in ${requesterTeaches}, some in ${recipientTeaches} — and correct each other kindly. You can call each other from this room too.`,
    ),
  ]);
}

/** After `organisations on|off`. */
export function partnerVisibility(visible: boolean, partnerCount: number): RenderedReply {
  if (!visible) {
    return render([
      p("Done: learners of partner organisations no longer see you. Your entry is cleared."),
    ]);
  }
  const blocks = [
    p(
      "Done: learners of our partner organisations can now find you too, as long as you are discoverable. ",
      "They see your name, languages and levels, interests, time zone and free times.",
    ),
  ];
  if (partnerCount === 0) blocks.push(p("(This organisation has no partners yet.)"));
  blocks.push(p(md("Send `organisations off` to stop at any time.")));
  return render(blocks);
}
