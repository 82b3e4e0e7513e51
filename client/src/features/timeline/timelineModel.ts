import { dequal } from "dequal/lite";
import { type Correction, readCorrection } from "../../matrix/corrections";
import { type MessageBody, messageBodyOf, stripReplyFallback } from "../../matrix/messageBody";
import type { CallNotice } from "../calls";
import { dayKey } from "./days";
import type { Person } from "./people";
import { aggregateReactions, type ReactionGroup, type ReactionInput } from "./reactions";

/** One event of the room's timeline as plain data (see `fromMatrixEvent`). */
export type TimelineEventInput = {
  /** Event id, or the transaction id of our own event until the server has it. */
  key: string;
  /** The server's event id; null while our own event is being sent. */
  eventId: string | null;
  type: string;
  sender: Person;
  ts: number;
  /** The content as sent (edits are applied by `buildTimeline`, not before). */
  content: Record<string, unknown>;
  redacted: boolean;
  decryption: "none" | "pending" | "failed";
  delivery: Delivery;
  /** People whose read receipt points at this event. */
  readBy: Person[];
};

export type Delivery = "sent" | "sending" | "failed";

export type ReplyQuote = {
  eventId: string;
  /** Null when the quoted message is not loaded (or gone). */
  senderName: string | null;
  text: string | null;
};

export type CorrectionItem = {
  key: string;
  senderName: string;
  original: string;
  corrected: string;
};

export type DayItem = { kind: "day"; key: string; ts: number };

export type MessageItem = {
  kind: "message";
  key: string;
  eventId: string | null;
  sender: Person;
  ts: number;
  own: boolean;
  delivery: Delivery;
  body: MessageBody;
  edited: boolean;
  replyTo: ReplyQuote | null;
  reactions: ReactionGroup[];
  corrections: CorrectionItem[];
  readBy: Person[];
  /** Same sender as the message just above, shortly after it: no avatar or name again. */
  continuation: boolean;
  mentionsMe: boolean;
  canReact: boolean;
  canReply: boolean;
  canEdit: boolean;
  canRedact: boolean;
  canCorrect: boolean;
};

/** "Ana started a video call" / "Call ended", where the call membership event sits. */
export type CallItem = { kind: "call"; key: string; ts: number; notice: CallNotice };

export type TimelineItem = DayItem | MessageItem | CallItem;

export type TimelineContext = {
  myUserId: string;
  myName: string;
  /** May redact other people's events (power levels). */
  mayRedactOthers: boolean;
  /** Call started/ended rows, by the key of the call membership event that caused them. */
  callNotices?: ReadonlyMap<string, CallNotice>;
};

/** Messages closer than this by the same sender are shown as one group. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

type Relation = { rel_type?: unknown; event_id?: unknown; key?: unknown };

function relationOf(content: Record<string, unknown>): Relation | null {
  const relation = content["m.relates_to"];
  return relation && typeof relation === "object" ? (relation as Relation) : null;
}

function replyTargetOf(content: Record<string, unknown>): string | null {
  const relation = content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: unknown } } | null;
  const target = relation?.["m.in_reply_to"]?.event_id;
  return typeof target === "string" ? target : null;
}

function isShownType(event: TimelineEventInput): boolean {
  return (
    event.type === "m.room.message" ||
    event.type === "m.sticker" ||
    event.type === "m.room.encrypted" ||
    event.decryption !== "none"
  );
}

function mentions(
  content: Record<string, unknown>,
  text: string,
  context: TimelineContext,
): boolean {
  const userIds = (content["m.mentions"] as { user_ids?: unknown } | undefined)?.user_ids;
  if (Array.isArray(userIds) && userIds.includes(context.myUserId)) return true;
  const lower = text.toLocaleLowerCase();
  if (lower.includes(context.myUserId.toLocaleLowerCase())) return true;
  const name = context.myName.trim().toLocaleLowerCase();
  if (name === "") return false;
  const pattern = new RegExp(
    `(^|[^\\p{L}\\p{N}_])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}_])`,
    "u",
  );
  return pattern.test(lower);
}

/** Everything that points at other events, gathered in one pass. */
function collectRelations(events: TimelineEventInput[]) {
  const reactions = new Map<string, ReactionInput[]>();
  const edits = new Map<string, TimelineEventInput[]>();
  const corrections = new Map<string, { event: TimelineEventInput; correction: Correction }[]>();
  for (const event of events) {
    if (event.redacted) continue;
    const correction = readCorrection(event.content);
    if (correction) {
      const list = corrections.get(correction.eventId) ?? [];
      list.push({ event, correction });
      corrections.set(correction.eventId, list);
      continue;
    }
    const relation = relationOf(event.content);
    if (typeof relation?.event_id !== "string") continue;
    const targetId = relation.event_id;
    if (event.type === "m.reaction" && relation.rel_type === "m.annotation") {
      if (typeof relation.key !== "string") continue;
      const list = reactions.get(targetId) ?? [];
      list.push({ targetId, key: relation.key, sender: event.sender, eventId: event.eventId });
      reactions.set(targetId, list);
    } else if (relation.rel_type === "m.replace" && event.type === "m.room.message") {
      const list = edits.get(targetId) ?? [];
      list.push(event);
      edits.set(targetId, list);
    }
  }
  return { reactions, edits, corrections };
}

/**
 * The rows of the timeline from its events, oldest first: messages with their latest edit,
 * reactions, corrections, quoted replies and read receipts applied, and a day separator before
 * each new day. Reactions, edits and corrections of loaded messages are not rows of their own.
 */
export function buildTimeline(
  events: TimelineEventInput[],
  context: TimelineContext,
): TimelineItem[] {
  const { reactions, edits, corrections } = collectRelations(events);
  const byId = new Map<string, TimelineEventInput>();
  for (const event of events) if (event.eventId) byId.set(event.eventId, event);

  /** The text a message shows now: its latest edit by the same sender, else its own body. */
  const currentContent = (event: TimelineEventInput) => {
    // Only the sender may edit; in timeline order, the last edit wins.
    const edit = (event.eventId ? edits.get(event.eventId) : undefined)
      ?.filter((candidate) => candidate.sender.userId === event.sender.userId)
      .at(-1);
    const newContent = edit?.content["m.new_content"];
    if (newContent && typeof newContent === "object") {
      return { content: newContent as Record<string, unknown>, edited: true };
    }
    return { content: event.content, edited: false };
  };

  const items: TimelineItem[] = [];
  let previous: MessageItem | null = null;
  let lastDay: string | null = null;
  let pendingReaders: Person[] = [];

  for (const event of events) {
    const relation = relationOf(event.content);
    const correctionTarget = readCorrection(event.content)?.eventId ?? null;
    const hiddenRelation =
      !event.redacted &&
      (event.type === "m.reaction" ||
        relation?.rel_type === "m.replace" ||
        // A correction of a loaded message shows under it; otherwise its fallback body shows.
        (correctionTarget !== null && byId.has(correctionTarget)));
    const notice = context.callNotices?.get(event.key);
    if (notice) {
      const noticeDay = dayKey(event.ts);
      if (noticeDay !== lastDay) {
        items.push({ kind: "day", key: `day-${noticeDay}`, ts: event.ts });
        lastDay = noticeDay;
      }
      items.push({ kind: "call", key: `call-${notice.key}`, ts: event.ts, notice });
      previous = null; // Messages after a call notice start a new group.
      continue;
    }
    if (!isShownType(event) || hiddenRelation) {
      // A receipt on an event without a row belongs to the row above it.
      if (event.readBy.length > 0) {
        if (previous) previous.readBy = mergePeople(previous.readBy, event.readBy, context);
        else pendingReaders = mergePeople(pendingReaders, event.readBy, context);
      }
      continue;
    }

    const day = dayKey(event.ts);
    if (day !== lastDay) {
      items.push({ kind: "day", key: `day-${day}`, ts: event.ts });
      lastDay = day;
      previous = null; // A new day starts a new group.
    }

    const own = event.sender.userId === context.myUserId;
    const replyTargetId = event.redacted ? null : replyTargetOf(event.content);
    const { content, edited } = event.redacted
      ? { content: event.content, edited: false }
      : currentContent(event);
    let body: MessageBody;
    if (event.redacted) body = { kind: "deleted" };
    else if (event.decryption === "failed") body = { kind: "undecryptable" };
    else if (event.decryption === "pending" || event.type === "m.room.encrypted") {
      body = { kind: "decrypting" };
    } else {
      body = messageBodyOf(content, event.type, replyTargetId !== null);
    }
    const isText = body.kind === "text";
    const serverId = event.eventId;

    const continuation =
      previous !== null &&
      previous.sender.userId === event.sender.userId &&
      // A new name or picture is shown again, as the sender now looks.
      previous.sender.name === event.sender.name &&
      (previous.sender.avatarUrl ?? null) === (event.sender.avatarUrl ?? null) &&
      event.ts - previous.ts < GROUP_GAP_MS &&
      !(body.kind === "text" && body.msgtype === "emote");

    const message: MessageItem = {
      kind: "message",
      key: event.key,
      eventId: serverId,
      sender: event.sender,
      ts: event.ts,
      own,
      delivery: event.delivery,
      body,
      edited,
      replyTo: replyTargetId ? quoteOf(replyTargetId, byId, currentContent) : null,
      reactions: serverId
        ? aggregateReactions(reactions.get(serverId) ?? [], context.myUserId)
        : [],
      corrections: serverId
        ? (corrections.get(serverId) ?? []).map(({ event: correction, correction: texts }) => ({
            key: correction.key,
            senderName: correction.sender.name,
            original: texts.original,
            corrected: texts.corrected,
          }))
        : [],
      readBy: mergePeople(pendingReaders, event.readBy, context),
      continuation,
      mentionsMe: !own && body.kind === "text" && mentions(content, body.text, context),
      canReact: serverId !== null && body.kind !== "deleted",
      canReply: serverId !== null && body.kind !== "deleted",
      canEdit: own && serverId !== null && isText,
      canRedact: serverId !== null && body.kind !== "deleted" && (own || context.mayRedactOthers),
      canCorrect: !own && serverId !== null && isText,
    };
    pendingReaders = [];
    items.push(message);
    previous = message;
  }
  return items;
}

/**
 * `next`, with every row that equals the row of the same key in `previous` replaced by that
 * earlier object, or `previous` itself when no row changed. A tile then renders again only when
 * its own message changed: a new message costs one tile, not every tile on screen.
 */
export function keepUnchangedRows(previous: TimelineItem[], next: TimelineItem[]): TimelineItem[] {
  if (previous.length === 0) return next;
  const earlier = new Map(previous.map((item) => [item.key, item]));
  let changed = previous.length !== next.length;
  const rows = next.map((item, index) => {
    const before = earlier.get(item.key);
    if (before === undefined || !dequal(before, item)) {
      changed = true;
      return item;
    }
    if (previous[index] !== before) changed = true;
    return before;
  });
  return changed ? rows : previous;
}

function quoteOf(
  eventId: string,
  byId: Map<string, TimelineEventInput>,
  currentContent: (event: TimelineEventInput) => { content: Record<string, unknown> },
): ReplyQuote {
  const quoted = byId.get(eventId);
  if (!quoted) return { eventId, senderName: null, text: null };
  if (quoted.redacted) return { eventId, senderName: quoted.sender.name, text: null };
  const { content } = currentContent(quoted);
  const text =
    quoted.decryption === "failed"
      ? null
      : typeof content.body === "string"
        ? stripReplyFallback(content.body)
        : null;
  return { eventId, senderName: quoted.sender.name, text };
}

/** Adds readers, once each, leaving out the reader themself (we know what we read). */
function mergePeople(into: Person[], more: Person[], context: TimelineContext): Person[] {
  const result = [...into];
  for (const person of more) {
    if (person.userId === context.myUserId) continue;
    if (!result.some((existing) => existing.userId === person.userId)) result.push(person);
  }
  return result;
}
