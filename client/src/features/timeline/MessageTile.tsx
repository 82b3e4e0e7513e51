import { memo, type ReactNode, useState } from "react";
import { Avatar } from "../../ui/Avatar";
import { CorrectionView } from "../corrections";
import { EmojiPicker } from "./EmojiPicker";
import { emojiName, QUICK_REACTIONS } from "./emoji";
import { MessageBody } from "./MessageBody";
import { namesList, type Person } from "./people";
import { type ReactionGroup, reactionLabel } from "./reactions";
import type { MessageItem, ReplyQuote } from "./timelineModel";

/** A message handed to the composer: to reply to, edit or correct. */
export type MessageRef = { eventId: string; senderName: string; body: string };

/** What the timeline's message actions do. Reply, Edit and Correct show only when given. */
export type MessageHandlers = {
  onToggleReaction: (eventId: string, key: string) => void;
  /** Asks to delete a message (the timeline confirms first). */
  onDelete: (message: MessageItem) => void;
  onReply?: ((message: MessageRef) => void) | undefined;
  onEdit?: ((message: MessageRef) => void) | undefined;
  onCorrect?: ((message: MessageRef) => void) | undefined;
  /** "Retry" and "Cancel" for one of our messages that could not be sent (by its key). */
  renderUnsentActions?: ((messageKey: string) => ReactNode) | undefined;
};

export type MessageTileProps = {
  message: MessageItem;
  myUserId: string;
  mentionNames: string[];
  handlers: MessageHandlers;
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** One message of the timeline: sender, body, reply, corrections, reactions, readers, actions. */
export const MessageTile = memo(function MessageTile({
  message,
  myUserId,
  mentionNames,
  handlers,
}: MessageTileProps) {
  const time = (
    <time dateTime={new Date(message.ts).toISOString()}>{timeFormat.format(message.ts)}</time>
  );
  return (
    <article
      className={[
        "message",
        message.body.kind === "text" && `message--${message.body.msgtype}`,
        message.own && "message--own",
        message.continuation && "message--continuation",
        message.mentionsMe && "message--mention",
        message.delivery !== "sent" && `message--${message.delivery}`,
      ]
        .filter(Boolean)
        .join(" ")}
    >
      <div className="message__gutter">
        {message.continuation ? (
          <span className="message__hover-time">{time}</span>
        ) : (
          <Avatar name={message.sender.name} mxcUrl={message.sender.avatarUrl} size={32} />
        )}
      </div>
      <div className="message__main">
        {message.continuation ? (
          <span className="visually-hidden">{message.sender.name}</span>
        ) : (
          <div className="message__meta">
            <span className="message__sender">{message.sender.name}</span>
            {time}
          </div>
        )}
        {message.replyTo && <Quote quote={message.replyTo} />}
        <MessageBody
          body={message.body}
          senderName={message.sender.name}
          myUserId={myUserId}
          mentionNames={mentionNames}
        />
        {(message.edited || message.delivery !== "sent" || message.mentionsMe) && (
          <p className="message__status">
            {message.edited && <span className="message__edited">(edited)</span>}
            {message.delivery === "sending" && <span>Sending…</span>}
            {message.delivery === "failed" && <span className="message__failed">Not sent</span>}
            {message.mentionsMe && <span className="visually-hidden">Mentions you</span>}
          </p>
        )}
        {message.delivery === "failed" && handlers.renderUnsentActions?.(message.key)}
        {message.corrections.map((correction) => (
          <section
            key={correction.key}
            className="message__correction"
            aria-label={`Correction by ${correction.senderName}`}
          >
            <p className="message__correction-by">Correction by {correction.senderName}</p>
            <CorrectionView original={correction.original} corrected={correction.corrected} />
          </section>
        ))}
        {message.eventId && message.reactions.length > 0 && (
          <Reactions
            eventId={message.eventId}
            groups={message.reactions}
            myUserId={myUserId}
            onToggle={handlers.onToggleReaction}
          />
        )}
        {message.readBy.length > 0 && <ReadBy people={message.readBy} />}
      </div>
      <ActionBar message={message} handlers={handlers} />
    </article>
  );
});

function Quote({ quote }: { quote: ReplyQuote }) {
  return (
    <blockquote className="message__reply">
      {quote.senderName === null ? (
        <span className="message__reply-missing">In reply to an earlier message</span>
      ) : (
        <>
          <span className="message__reply-sender">In reply to {quote.senderName}</span>
          <span className="message__reply-text">{quote.text ?? "Message deleted"}</span>
        </>
      )}
    </blockquote>
  );
}

function Reactions({
  eventId,
  groups,
  myUserId,
  onToggle,
}: {
  eventId: string;
  groups: ReactionGroup[];
  myUserId: string;
  onToggle: (eventId: string, key: string) => void;
}) {
  return (
    <ul className="reactions" aria-label="Reactions">
      {groups.map((group) => (
        <li key={group.key}>
          <button
            type="button"
            className={`reaction${group.mine ? " reaction--mine" : ""}`}
            aria-pressed={group.mine !== null}
            aria-label={reactionLabel(group, myUserId)}
            title={namesList(
              group.senders.map((sender) => (sender.userId === myUserId ? "You" : sender.name)),
            )}
            disabled={group.mine === "pending"}
            onClick={() => onToggle(eventId, group.key)}
          >
            <span aria-hidden="true">{group.key}</span>
            <span className="reaction__count" aria-hidden="true">
              {group.senders.length}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

const SHOWN_READERS = 3;

function ReadBy({ people }: { people: Person[] }) {
  const label = `Read by ${namesList(people.map((person) => person.name))}`;
  const more = people.length - SHOWN_READERS;
  return (
    <div className="read-by" role="img" aria-label={label} title={label}>
      {people.slice(0, SHOWN_READERS).map((person) => (
        <Avatar key={person.userId} name={person.name} mxcUrl={person.avatarUrl} size={16} />
      ))}
      {more > 0 && <span className="read-by__more">+{more}</span>}
    </div>
  );
}

/** What a reply to this message quotes: its text, or the name of its file. */
function quotedText(body: MessageItem["body"]): string {
  switch (body.kind) {
    case "text":
      return body.text;
    case "image":
    case "video":
    case "audio":
    case "file":
      return body.kind === "audio" && body.voice ? "Voice message" : body.name;
    default:
      return "";
  }
}

function ActionBar({ message, handlers }: { message: MessageItem; handlers: MessageHandlers }) {
  const [picking, setPicking] = useState(false);
  const { eventId, body } = message;
  if (!eventId) return null;
  const ref = (): MessageRef => ({
    eventId,
    senderName: message.sender.name,
    body: quotedText(body),
  });
  const react = (key: string) => handlers.onToggleReaction(eventId, key);
  const actions = [
    message.canReply && handlers.onReply && (
      <button key="reply" type="button" onClick={() => handlers.onReply?.(ref())}>
        Reply
      </button>
    ),
    message.canEdit && handlers.onEdit && (
      <button key="edit" type="button" onClick={() => handlers.onEdit?.(ref())}>
        Edit
      </button>
    ),
    message.canCorrect && handlers.onCorrect && (
      <button key="correct" type="button" onClick={() => handlers.onCorrect?.(ref())}>
        Correct
      </button>
    ),
    message.canRedact && (
      <button key="delete" type="button" onClick={() => handlers.onDelete(message)}>
        Delete
      </button>
    ),
  ].filter(Boolean);
  if (!message.canReact && actions.length === 0) return null;

  return (
    <div
      className={`message__actions${picking ? " message__actions--open" : ""}`}
      role="toolbar"
      aria-label="Message actions"
    >
      {message.canReact && (
        <>
          {QUICK_REACTIONS.map((key) => (
            <button
              key={key}
              type="button"
              className="message__quick-reaction"
              aria-label={`React with ${key}`}
              title={emojiName(key)}
              onClick={() => react(key)}
            >
              {key}
            </button>
          ))}
          <button
            type="button"
            aria-haspopup="dialog"
            aria-expanded={picking}
            onClick={() => setPicking((open) => !open)}
          >
            React
          </button>
        </>
      )}
      {actions}
      {picking && (
        <EmojiPicker
          onPick={(key) => {
            setPicking(false);
            react(key);
          }}
          onClose={() => setPicking(false)}
        />
      )}
    </div>
  );
}
