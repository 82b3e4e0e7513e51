import { useMemo } from "react";
import type { MessageBody as Body } from "../../matrix/messageBody";
import { AudioMessage, FileMessage, ImageMessage, VideoMessage } from "../media";
import { textSegments } from "./linkify";
import { sanitizeMessageHtml } from "./sanitizeHtml";

export type MessageBodyProps = {
  body: Body;
  senderName: string;
  myUserId: string;
  /** Words that mention the reader (their name and user id), highlighted in plain text. */
  mentionNames: string[];
};

/** A message's content: safe HTML, plain text with links, media; or why there is none. */
export function MessageBody({ body, senderName, myUserId, mentionNames }: MessageBodyProps) {
  const html = body.kind === "text" ? body.html : null;
  // Sanitised here, only for rows on screen: the timeline may hold thousands of messages. Null
  // for HTML too large to render, which then shows as its plain body.
  const safeHtml = useMemo(
    () => (html === null ? null : sanitizeMessageHtml(html, myUserId)),
    [html, myUserId],
  );
  switch (body.kind) {
    case "deleted":
      return <p className="message__body message__body--status">Message deleted</p>;
    case "undecryptable":
      return (
        <p className="message__body message__body--status message__body--warning">
          Unable to decrypt this message
        </p>
      );
    case "decrypting":
      return <p className="message__body message__body--status">Decrypting…</p>;
    case "image":
      return <ImageMessage body={body} />;
    case "video":
      return <VideoMessage body={body} />;
    case "audio":
      return <AudioMessage body={body} />;
    case "file":
      return <FileMessage body={body} />;
    case "text":
      break;
  }
  const emotePrefix = body.msgtype === "emote" ? `${senderName} ` : "";
  if (safeHtml !== null) {
    return (
      <div className="message__body message__body--html">
        {emotePrefix}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by sanitizeMessageHtml (allow-listed tags, no scripts or handlers). */}
        <span dangerouslySetInnerHTML={{ __html: safeHtml }} />
      </div>
    );
  }
  return (
    <p className="message__body">
      {emotePrefix}
      <PlainText text={body.text} mentionNames={mentionNames} />
    </p>
  );
}

function PlainText({ text, mentionNames }: { text: string; mentionNames: string[] }) {
  const segments = useMemo(() => textSegments(text, mentionNames), [text, mentionNames]);
  return segments.map((segment, index) => {
    const key = `${index}-${segment.kind}`;
    if (segment.kind === "link") {
      return (
        <a key={key} href={segment.href} target="_blank" rel="noopener noreferrer">
          {segment.text}
        </a>
      );
    }
    if (segment.kind === "mention") {
      return (
        <mark key={key} className="mention mention--me">
          {segment.text}
        </mark>
      );
    }
    return <span key={key}>{segment.text}</span>;
  });
}
