import { escapeHtml, textToHtml, userPermalink } from "../../matrix/html";

/** Someone picked from the mention suggestions: their name is what the text shows. */
export type Mention = { userId: string; displayName: string };

/** `m.mentions` (intentional mentions): who should be notified; `{}` means nobody. */
export type MentionsContent = { user_ids?: string[] };

export type TextContent = {
  msgtype: "m.text";
  body: string;
  format?: "org.matrix.custom.html";
  formatted_body?: string;
  "m.mentions": MentionsContent;
};

export type ReplyContent = TextContent & {
  "m.relates_to": { "m.in_reply_to": { event_id: string } };
};

export type EditContent = TextContent & {
  "m.new_content": TextContent;
  "m.relates_to": { rel_type: "m.replace"; event_id: string };
};

type Span = { text: string; mention?: Mention };

/**
 * Splits text into plain runs and mentions: every place a chosen mention's name appears (longest
 * names first, so "Ana Lima" wins over "Ana").
 */
function spans(text: string, mentions: readonly Mention[]): Span[] {
  const candidates = mentions
    .filter((mention) => mention.displayName !== "")
    .toSorted((a, b) => b.displayName.length - a.displayName.length);
  const result: Span[] = [];
  let plain = "";
  let index = 0;
  while (index < text.length) {
    const mention = candidates.find((m) => text.startsWith(m.displayName, index));
    if (mention) {
      if (plain) result.push({ text: plain });
      plain = "";
      result.push({ text: mention.displayName, mention });
      index += mention.displayName.length;
    } else {
      plain += text[index];
      index += 1;
    }
  }
  if (plain) result.push({ text: plain });
  return result;
}

/** The user ids of the chosen mentions still present in the text, in order, without repeats. */
export function mentionedUserIds(text: string, mentions: readonly Mention[]): string[] {
  const ids = spans(text, mentions).flatMap((span) => (span.mention ? [span.mention.userId] : []));
  return [...new Set(ids)];
}

/** The text as HTML with each mention as a matrix.to link (a "pill" in Element). */
export function messageHtml(text: string, mentions: readonly Mention[]): string {
  return spans(text, mentions)
    .map((span) =>
      span.mention
        ? `<a href="${escapeHtml(userPermalink(span.mention.userId))}">${escapeHtml(span.text)}</a>`
        : textToHtml(span.text),
    )
    .join("");
}

function mentionsContent(userIds: readonly string[]): MentionsContent {
  return userIds.length > 0 ? { user_ids: [...userIds] } : {};
}

/**
 * A plain `m.text` message. With mentions, it also has an HTML body linking them, and
 * `m.mentions` lists who to notify; without, it is plain text and `m.mentions` is empty (so
 * nobody is notified merely because their name appears).
 */
export function buildTextContent(
  text: string,
  mentions: readonly Mention[] = [],
  extraUserIds: readonly string[] = [],
): TextContent {
  const mentioned = mentionedUserIds(text, mentions);
  const userIds = [...new Set([...extraUserIds, ...mentioned])];
  const content: TextContent = {
    msgtype: "m.text",
    body: text,
    "m.mentions": mentionsContent(userIds),
  };
  if (mentioned.length > 0) {
    content.format = "org.matrix.custom.html";
    content.formatted_body = messageHtml(text, mentions);
  }
  return content;
}

/** A reply (no fallback quote: Matrix 1.13 dropped reply fallbacks). The replied-to sender is
 * mentioned so they are notified, as the spec asks. */
export function buildReplyContent(
  text: string,
  mentions: readonly Mention[],
  replyTo: { eventId: string; senderId?: string | undefined },
): ReplyContent {
  return {
    ...buildTextContent(text, mentions, replyTo.senderId ? [replyTo.senderId] : []),
    "m.relates_to": { "m.in_reply_to": { event_id: replyTo.eventId } },
  };
}

/**
 * An edit (`m.replace`): the new text in `m.new_content`, and a "* "-prefixed fallback for
 * clients without edit support. Only people not already mentioned in the original are notified
 * again (`m.mentions` at the top level), as the spec asks.
 */
export function buildEditContent(
  text: string,
  mentions: readonly Mention[],
  edit: { eventId: string; previousUserIds?: readonly string[] },
): EditContent {
  const newContent = buildTextContent(text, mentions);
  const previous = new Set(edit.previousUserIds ?? []);
  const newlyMentioned = (newContent["m.mentions"].user_ids ?? []).filter(
    (id) => !previous.has(id),
  );
  const content: EditContent = {
    msgtype: "m.text",
    body: `* ${text}`,
    "m.mentions": mentionsContent(newlyMentioned),
    "m.new_content": newContent,
    "m.relates_to": { rel_type: "m.replace", event_id: edit.eventId },
  };
  if (newContent.formatted_body !== undefined) {
    content.format = "org.matrix.custom.html";
    content.formatted_body = `* ${newContent.formatted_body}`;
  }
  return content;
}
