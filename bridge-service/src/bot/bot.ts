import { type DirectoryContext, setPartnerVisibility } from "../domain/directory.js";
import { languageName } from "../domain/languages.js";
import { serverNameOf } from "../domain/matrixIds.js";
import type { PartnerContext, PartnerRequestView } from "../domain/partnerContext.js";
import {
  acceptRequest,
  blockUser,
  changeProfile,
  declineRequest,
  findPartners,
  getProfile,
  listPartners,
  listRequests,
  refreshDisplayName,
  reportUser,
  requestPartner,
  unblockUser,
} from "../domain/partners.js";
import type { ProfileInput } from "../domain/profiles.js";
import { Refusal } from "../domain/refusal.js";
import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import { type ClientEvent, isInviteFor, isOwnJoin } from "../matrix/events.js";
import { type HomeserverClient, HomeserverError } from "../matrix/homeserver.js";
import type { BotStore, CommandTarget, EarlierRun } from "../store/botStore.js";
import { type BotCommand, parseCommand } from "./botCommands.js";
import * as replies from "./botReplies.js";
import { messageText } from "./messageText.js";

export interface BotDeps {
  events: AppserviceEvents;
  homeserver: HomeserverClient;
  botUserId: string;
  logger: Logger;
  /** The domain the commands act on, shared with the REST API. */
  partners: PartnerContext;
  /** The bot's DM rooms and the suggestion lists it showed. */
  botStore: BotStore;
  /** The partner directory, for `organisations on|off`; absent when it is not set up. */
  directory?: DirectoryContext;
  /** Invites the bot leaves to someone else (partners' directory rooms: bot/directoryService.ts). */
  ignoresInvite?: (event: ClientEvent) => boolean;
  /** How many partners `match` suggests. */
  suggestionLimit?: number;
  /** Told how long reading each message took (HTML to text and parsing), in milliseconds. */
  onMessageRead?: (ms: number) => void;
  /** Delays between join attempts; the number of retries is its length. */
  joinRetryDelaysMs?: readonly number[];
  /** Delays between attempts to send a reply (the homeserver restarting, say). */
  replyRetryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// 4xx other than rate limiting means the homeserver refused (e.g. the invite was withdrawn);
// asking again will not change its mind.
function isWorthRetrying(error: unknown): boolean {
  return !(error instanceof HomeserverError) || error.status === 429 || error.status >= 500;
}

const isRefusal = (error: unknown) => error instanceof HomeserverError && error.status === 403;

/** One run of a command: its event, and the run before it that was cut off, if any. */
interface CommandRun {
  eventId: string;
  earlier: EarlierRun | undefined;
}

/** A command that cannot go ahead, explained to the learner (not a fault). */
class CommandDeclined extends Error {
  readonly reply: replies.RenderedReply;
  constructor(reply: replies.RenderedReply) {
    super(reply.body);
    this.reply = reply;
  }
}
const declined = (message: string) => new CommandDeclined(replies.explained(message));

// Refusals whose domain wording is written for the web form; in chat, say which command helps.
const REFUSAL_HINTS: Partial<Record<Refusal["reason"], string>> = {
  profile_missing:
    "Start with `native <language>` and `learn <language> <level>`, e.g. `native es` and `learn en B1`.",
  profile_incomplete: "Use `native <language>` and `learn <language> <level>`, e.g. `learn en B1`.",
  request_not_found: "Send `requests` to see your open requests.",
};

/** A text message someone typed, as opposed to notices (bots) and edits. */
function isTypedText(event: ClientEvent): boolean {
  if (event.type !== "m.room.message" || event.state_key !== undefined) return false;
  if (event.content.msgtype !== "m.text") return false;
  const relation = event.content["m.relates_to"] as Record<string, unknown> | undefined;
  // An edit repeats a command the bot already answered.
  return relation?.rel_type !== "m.replace";
}

/** The events the bot acts on: invites for it and text typed by someone else. */
export function botActsOn(botUserId: string): (event: ClientEvent) => boolean {
  return (event) =>
    event.sender !== botUserId && (isInviteFor(event, botUserId) || isTypedText(event));
}

/**
 * The @xstream bot. It joins rooms it is invited to; in DMs (invites marked `is_direct`) it
 * answers the learner's commands with the same domain functions as the REST API.
 * @returns a function that detaches the bot from the event bus.
 */
export function startBot({
  events,
  homeserver,
  botUserId,
  logger,
  partners: ctx,
  botStore,
  directory,
  ignoresInvite,
  suggestionLimit = 5,
  onMessageRead,
  joinRetryDelaysMs = [1_000, 2_000, 4_000, 8_000, 15_000],
  replyRetryDelaysMs = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000],
  sleep = defaultSleep,
}: BotDeps): () => void {
  const log = logger.child({ component: "bot" });
  const serverName = serverNameOf(botUserId);

  async function joinAfterInvite(roomId: string, inviter: string): Promise<boolean> {
    // Over federation the inviting server has ours countersign its invite before it stores the
    // invite itself, so our join can reach it first and be refused as "not invited" (seen under
    // load). From another server, that refusal is asked again, on the same schedule.
    const remote = serverNameOf(inviter) !== serverName;
    for (let attempt = 0; ; attempt++) {
      try {
        await homeserver.joinRoom(roomId);
        log.info({ roomId, inviter }, "joined room after invite");
        return true;
      } catch (error) {
        const delay = joinRetryDelaysMs[attempt];
        const notYetInvited = remote && isRefusal(error);
        if (delay === undefined || !(isWorthRetrying(error) || notYetInvited)) {
          log.warn({ err: error, roomId, inviter, attempts: attempt + 1 }, "could not join room");
          return false;
        }
        log.debug({ err: error, roomId, attempt: attempt + 1 }, "join failed, retrying");
        await sleep(delay);
      }
    }
  }

  // The same txnId on every attempt: the homeserver sends one event even if an attempt that
  // "failed" had in fact gone through.
  async function send(roomId: string, reply: replies.RenderedReply, txnId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await homeserver.sendMessage(roomId, replies.noticeContent(reply), txnId);
        return;
      } catch (error) {
        const delay = replyRetryDelaysMs[attempt];
        if (delay === undefined || !isWorthRetrying(error)) {
          log.warn({ err: error, roomId, attempts: attempt + 1 }, "could not send a reply");
          return;
        }
        log.debug({ err: error, roomId, attempt: attempt + 1 }, "sending a reply failed, retrying");
        await sleep(delay);
      }
    }
  }

  async function acceptInvite(event: ClientEvent): Promise<void> {
    const { room_id: roomId, sender: inviter } = event;
    if (!(await joinAfterInvite(roomId, inviter))) return;
    if (event.content.is_direct !== true) return;
    await botStore.rememberDirectRoom(inviter, roomId);
    // The invite's id: a redelivered invite does not greet twice.
    await send(roomId, replies.greeting(), `xstream-greeting-${event.event_id}`);
  }

  async function answerMessage(event: ClientEvent): Promise<void> {
    const userId = event.sender;
    // Only the learner whose DM this is; anyone else they let in is not talking to the bot.
    if ((await botStore.directRoomOwner(event.room_id)) !== userId) return;
    // Reading is synchronous: it is the part of a message that holds the event loop.
    const started = performance.now();
    const read = messageText(event.content);
    const parsed = read.kind === "text" ? parseCommand(read.text) : undefined;
    onMessageRead?.(performance.now() - started);
    if (read.kind === "none") return;
    // Handled before (a replica died before it could forget the command): the same answer again,
    // not a second run, which could act twice (`accept` would take the next request).
    let reply: replies.RenderedReply | undefined = await botStore.savedReply(event.event_id);
    if (!reply) {
      if (parsed === undefined) {
        reply = replies.tooLong();
      } else if (!parsed.ok) {
        reply = replies.problem(parsed.problem);
      } else {
        // A command's effect and its saved answer are two writes. Rather than one transaction
        // through every store the domain uses (a unit of work the domain would have to carry),
        // each run is noted before it acts, with the request it picked: a run cut off between
        // the two writes is finished by the next (the redelivered event on any replica), which
        // keeps to that request and renders the answer from the state the first run left.
        const earlier = await botStore.startCommand(event.event_id);
        reply = await runSafely(userId, parsed.command, { eventId: event.event_id, earlier });
      }
      await botStore.saveReply(event.event_id, reply);
    }
    // One reply per message, even if the homeserver delivers the message twice.
    await send(event.room_id, reply, `xstream-reply-${event.event_id}`);
  }

  async function runSafely(
    userId: string,
    command: BotCommand,
    attempt: CommandRun,
  ): Promise<replies.RenderedReply> {
    try {
      return await run(userId, command, attempt);
    } catch (error) {
      if (error instanceof CommandDeclined) return error.reply;
      if (error instanceof Refusal) {
        return replies.refused(error.message, REFUSAL_HINTS[error.reason]);
      }
      log.error({ err: error, userId, command: command.name }, "bot command failed");
      return replies.somethingWentWrong();
    }
  }

  const change = (userId: string, update: (current: ProfileInput) => ProfileInput) =>
    changeProfile(ctx, userId, update).then(replies.profileSaved);

  // Oldest first, so the numbers people see stay put while new requests arrive.
  const oldestFirst = (requests: PartnerRequestView[]) =>
    [...requests].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );

  /** The answer `connect` gave if its cut-off first run had already asked (or been asked). */
  async function connectedBefore(
    userId: string,
    target: string,
  ): Promise<replies.RenderedReply | undefined> {
    const asked = (await listRequests(ctx, userId)).outgoing.find(
      (request) => request.recipient.userId === target,
    );
    if (asked) return replies.requestSent(asked);
    const partnership = (await listPartners(ctx, userId)).find(
      (candidate) => candidate.partner.userId === target,
    );
    return partnership && replies.partnershipStarted(partnership, serverName);
  }

  /** The answer `accept`/`decline` gave if its cut-off first run had decided `picked`. */
  async function decidedBefore(
    userId: string,
    name: "accept" | "decline",
    picked: CommandTarget,
  ): Promise<replies.RenderedReply> {
    if (name === "decline") {
      return replies.requestDeclined({
        id: picked.requestId,
        requester: picked.requester,
        recipient: picked.recipient,
        status: "declined",
        createdAt: new Date(picked.createdAt),
        decidedAt: undefined,
      });
    }
    const partnership = (await listPartners(ctx, userId)).find(
      (candidate) => candidate.partner.userId === picked.requester.userId,
    );
    if (partnership) return replies.partnershipStarted(partnership, serverName);
    return replies.refused("That request is no longer open.", REFUSAL_HINTS.request_not_found);
  }

  async function run(
    userId: string,
    command: BotCommand,
    { eventId, earlier }: CommandRun,
  ): Promise<replies.RenderedReply> {
    switch (command.name) {
      case "help":
        return replies.help(command.topic);
      case "profile":
        return replies.profileSummary(await getProfile(ctx, userId));
      case "native":
        return change(userId, (current) => {
          const clash = current.learning.find((entry) =>
            command.languages.includes(entry.language),
          );
          if (clash) {
            throw declined(
              `You are learning ${languageName(clash.language)} (${clash.level}). If it is native to you, first send \`learn ${clash.language} remove\`.`,
            );
          }
          return { ...current, native: command.languages };
        });
      case "learn":
        return change(userId, (current) => {
          if (current.native.includes(command.language)) {
            throw declined(
              `${languageName(command.language)} is one of your native languages. Send \`native\` with the others to change that.`,
            );
          }
          const entry = { language: command.language, level: command.level };
          const known = current.learning.some((item) => item.language === command.language);
          return {
            ...current,
            learning: known
              ? current.learning.map((item) => (item.language === command.language ? entry : item))
              : [...current.learning, entry],
          };
        });
      case "unlearn":
        return change(userId, (current) => {
          if (!current.learning.some((item) => item.language === command.language)) {
            throw declined(
              `${languageName(command.language)} is not among the languages you learn.`,
            );
          }
          return {
            ...current,
            learning: current.learning.filter((item) => item.language !== command.language),
          };
        });
      case "interests":
        return change(userId, (current) => ({ ...current, interests: command.interests }));
      case "timezone":
        return change(userId, (current) => ({ ...current, timezone: command.timezone }));
      case "discoverable":
        return change(userId, (current) => ({ ...current, discoverable: command.discoverable }));
      case "organisations": {
        if (!directory) return replies.refused("Partner organisations are not set up here.");
        await setPartnerVisibility(directory, userId, command.visible);
        return replies.partnerVisibility(command.visible, directory.partners.length);
      }
      case "match": {
        const found = await findPartners(ctx, userId, { limit: suggestionLimit });
        await botStore.rememberSuggestions(
          userId,
          found.map((suggestion) => suggestion.userId),
        );
        return replies.suggestions(found);
      }
      case "connect": {
        let target: string;
        if ("userId" in command.target) {
          target = command.target.userId;
        } else {
          const shown = await botStore.shownSuggestions(userId);
          const picked = shown[command.target.suggestion - 1];
          if (picked === undefined) {
            return replies.unknownSuggestion(command.target.suggestion, shown.length);
          }
          target = picked;
        }
        try {
          const { request, partnership } = await requestPartner(ctx, userId, target);
          // They had already asked us: asking back accepted their request.
          if (partnership) return replies.partnershipStarted(partnership, serverName);
          return replies.requestSent(request);
        } catch (error) {
          const doneBefore =
            earlier &&
            error instanceof Refusal &&
            (error.reason === "request_exists" || error.reason === "already_connected");
          const again = doneBefore ? await connectedBefore(userId, target) : undefined;
          if (again) return again;
          throw error;
        }
      }
      case "requests": {
        const { incoming, outgoing } = await listRequests(ctx, userId);
        return replies.pendingRequests(oldestFirst(incoming), outgoing);
      }
      case "accept":
      case "decline": {
        const incoming = oldestFirst((await listRequests(ctx, userId)).incoming);
        // A first run that picked a request keeps it: the numbers moved when it decided it.
        const picked = earlier?.target;
        if (picked && !incoming.some((request) => request.id === picked.requestId)) {
          return decidedBefore(userId, command.name, picked);
        }
        if (incoming.length === 0) return replies.noPendingRequests();
        if (!picked && command.number === undefined && incoming.length > 1) {
          return replies.pendingRequests(incoming);
        }
        const request = picked
          ? incoming.find((candidate) => candidate.id === picked.requestId)
          : incoming[(command.number ?? 1) - 1];
        if (!request) return replies.unknownRequest(command.number ?? 1, incoming.length);
        await botStore.noteTarget(eventId, {
          requestId: request.id,
          requester: request.requester,
          recipient: request.recipient,
          createdAt: request.createdAt.toISOString(),
        });
        if (command.name === "accept") {
          return replies.partnershipStarted(
            await acceptRequest(ctx, userId, request.id),
            serverName,
          );
        }
        return replies.requestDeclined(await declineRequest(ctx, userId, request.id));
      }
      case "partners":
        return replies.partnersList(await listPartners(ctx, userId), serverName);
      case "block":
        await blockUser(ctx, userId, command.userId);
        return replies.blocked(command.userId);
      case "unblock":
        await unblockUser(ctx, userId, command.userId);
        return replies.unblocked(command.userId);
      case "report":
        return replies.reported(
          await reportUser(ctx, userId, {
            userId: command.userId,
            reason: command.reason,
            eventIds: command.eventIds,
            roomId: command.roomId,
            // Run again after a replica died between the report and its saved answer: the
            // report already filed, not a second one.
            key: `bot-command:${eventId}`,
          }),
        );
    }
  }

  /** A member event's display name may be a learner's new name (the only news of a remote one). */
  async function noteDisplayName(event: ClientEvent): Promise<void> {
    try {
      if (await refreshDisplayName(ctx, event.sender, event.content.displayname)) {
        log.info({ userId: event.sender }, "learner's display name refreshed");
      }
    } catch (error) {
      log.warn({ err: error, userId: event.sender }, "could not refresh a display name");
    }
  }

  // Events of one room are handled one after another, so a learner's quick `native es` and
  // `learn en B1` apply and are answered in the order they were sent.
  const roomQueues = new Map<string, Promise<void>>();
  function inRoomOrder(roomId: string, task: () => Promise<void>): Promise<void> {
    const next = (roomQueues.get(roomId) ?? Promise.resolve()).then(task);
    const settled = next.catch(() => {});
    roomQueues.set(roomId, settled);
    void settled.then(() => {
      if (roomQueues.get(roomId) === settled) roomQueues.delete(roomId);
    });
    return next;
  }

  return events.on("event", (event) => {
    if (event.sender === botUserId) return;
    if (isInviteFor(event, botUserId)) {
      if (ignoresInvite?.(event)) return;
      return inRoomOrder(event.room_id, () => acceptInvite(event));
    }
    if (isTypedText(event)) return inRoomOrder(event.room_id, () => answerMessage(event));
    if (isOwnJoin(event)) return noteDisplayName(event);
  });
}
