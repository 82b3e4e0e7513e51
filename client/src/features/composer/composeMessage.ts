import type { Room } from "matrix-js-sdk";
import { buildCorrectionContent, type CorrectionContent, isUnchanged } from "../corrections";
import {
  buildEditContent,
  buildReplyContent,
  buildTextContent,
  type EditContent,
  type Mention,
  type ReplyContent,
  type TextContent,
} from "./messageContent";

export type ReplyTarget = {
  eventId: string;
  senderName: string;
  body: string;
  /** The replied-to sender, to notify them; looked up in the room when not given. */
  senderId?: string;
};
export type EditTarget = { eventId: string; body: string };
export type CorrectionTarget = {
  eventId: string;
  senderName: string;
  body: string;
  /** The corrected message's sender, to notify them; looked up in the room when not given. */
  senderId?: string;
};

/** What the composer is doing; an edit wins over a correction, which wins over a reply. */
export type ComposerMode =
  | { kind: "new" }
  | { kind: "reply"; target: ReplyTarget }
  | { kind: "edit"; target: EditTarget }
  | { kind: "correction"; target: CorrectionTarget };

export function composerMode(
  replyTo: ReplyTarget | null | undefined,
  editing: EditTarget | null | undefined,
  correcting: CorrectionTarget | null | undefined,
): ComposerMode {
  if (editing) return { kind: "edit", target: editing };
  if (correcting) return { kind: "correction", target: correcting };
  if (replyTo) return { kind: "reply", target: replyTo };
  return { kind: "new" };
}

export type OutgoingContent = TextContent | ReplyContent | EditContent | CorrectionContent;

export type Composed =
  | { outcome: "send"; content: OutgoingContent }
  /** Nothing to send (empty, or an edit that changes nothing). */
  | { outcome: "nothing" }
  /** Cannot send as it is; tell the person why. */
  | { outcome: "invalid"; problem: string };

function findEvent(room: Room | null, eventId: string) {
  return room
    ?.getLiveTimeline()
    .getEvents()
    .find((event) => event.getId() === eventId);
}

/** Someone else's user id from an event in the room's live timeline (not ours: no self-ping). */
function senderOf(room: Room | null, eventId: string, myUserId: string | null) {
  const sender = findEvent(room, eventId)?.getSender();
  return sender && sender !== myUserId ? sender : undefined;
}

function previousMentions(room: Room | null, eventId: string): string[] {
  const mentions = findEvent(room, eventId)?.getContent()["m.mentions"] as
    | { user_ids?: unknown }
    | undefined;
  const ids = mentions?.user_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/** The event content to send for what was typed in the given mode. */
export function composeMessage(
  typed: string,
  mentions: readonly Mention[],
  mode: ComposerMode,
  room: Room | null,
  myUserId: string | null,
): Composed {
  const text = typed.trim();
  if (text === "") return { outcome: "nothing" };
  switch (mode.kind) {
    case "new":
      return { outcome: "send", content: buildTextContent(text, mentions) };
    case "reply": {
      const { eventId, senderId } = mode.target;
      return {
        outcome: "send",
        content: buildReplyContent(text, mentions, {
          eventId,
          senderId:
            senderId && senderId !== myUserId ? senderId : senderOf(room, eventId, myUserId),
        }),
      };
    }
    case "edit": {
      const { eventId, body } = mode.target;
      if (text === body.trim()) return { outcome: "nothing" };
      return {
        outcome: "send",
        content: buildEditContent(text, mentions, {
          eventId,
          previousUserIds: previousMentions(room, eventId),
        }),
      };
    }
    case "correction": {
      const { eventId, body, senderId } = mode.target;
      if (isUnchanged(body, text)) {
        return { outcome: "invalid", problem: "Change the text to correct it, then send." };
      }
      return {
        outcome: "send",
        content: buildCorrectionContent({
          eventId,
          original: body,
          corrected: text,
          originalSenderId:
            senderId && senderId !== myUserId ? senderId : senderOf(room, eventId, myUserId),
        }),
      };
    }
  }
}
