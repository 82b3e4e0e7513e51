import { type MediaRef, mediaRefOf } from "./media/mediaRef";

// What a message event's content shows, decoded defensively: content comes from other clients
// and servers, so every field is checked and anything malformed falls back to less.

export type MessageBody =
  | {
      kind: "text";
      msgtype: "text" | "notice" | "emote" | "other";
      text: string;
      /** Unsanitised `formatted_body`: render only through `sanitizeMessageHtml`. */
      html: string | null;
    }
  | ImageBody
  | VideoBody
  | AudioBody
  | FileBody
  | { kind: "deleted" }
  | { kind: "undecryptable" }
  | { kind: "decrypting" };

/** What every media message has: the file's name, where it is, and what the sender said of it. */
type MediaBodyBase = {
  /** The file name (or, without one, the body), e.g. "beach.jpg". */
  name: string;
  /** Text sent with the file (a caption), when it is not just the file name. */
  caption: string | null;
  media: MediaRef;
  mimetype: string | null;
  /** Bytes, when the sender said. */
  size: number | null;
};

export type ImageBody = MediaBodyBase & {
  kind: "image";
  /** A smaller copy the sender uploaded (needed for encrypted images: no server thumbnails). */
  thumbnail: MediaRef | null;
  /** Pixel size, when the sender said; the timeline reserves the box from it. */
  width: number | null;
  height: number | null;
};

export type VideoBody = MediaBodyBase & {
  kind: "video";
  thumbnail: MediaRef | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
};

export type AudioBody = MediaBodyBase & {
  kind: "audio";
  /** Recorded as a voice message (MSC3245), not an audio file. */
  voice: boolean;
  durationMs: number | null;
};

export type FileBody = MediaBodyBase & { kind: "file" };

export type MediaBody = ImageBody | VideoBody | AudioBody | FileBody;

/** Removes the quoted "> <@ana> …" lines a reply's plain body starts with. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith("> ")) return body;
  const lines = body.split("\n");
  let index = 0;
  while (index < lines.length && lines[index]?.startsWith(">")) index++;
  if (lines[index] === "") index++;
  return lines.slice(index).join("\n");
}

const MSGTYPES: Record<string, "text" | "notice" | "emote"> = {
  "m.text": "text",
  "m.notice": "notice",
  "m.emote": "emote",
};

function textBody(content: Record<string, unknown>, isReply: boolean): MessageBody | null {
  if (typeof content.body !== "string") return null;
  const msgtype =
    typeof content.msgtype === "string" ? (MSGTYPES[content.msgtype] ?? "other") : "other";
  const html =
    content.format === "org.matrix.custom.html" && typeof content.formatted_body === "string"
      ? content.formatted_body
      : null;
  return {
    kind: "text",
    msgtype,
    text: isReply ? stripReplyFallback(content.body) : content.body,
    html,
  };
}

function positive(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * An image, video, audio or file message (or a sticker), read defensively: without a valid
 * `url`/`file` it is null and the message shows its text body instead.
 */
function mediaBody(content: Record<string, unknown>, eventType: string): MediaBody | null {
  const msgtype = eventType === "m.sticker" ? "m.image" : content.msgtype;
  if (
    msgtype !== "m.image" &&
    msgtype !== "m.video" &&
    msgtype !== "m.audio" &&
    msgtype !== "m.file"
  ) {
    return null;
  }
  const media = mediaRefOf(content);
  if (!media) return null;
  const body = typeof content.body === "string" ? content.body : "";
  const filename =
    typeof content.filename === "string" && content.filename !== "" ? content.filename : null;
  const info =
    content.info && typeof content.info === "object"
      ? (content.info as Record<string, unknown>)
      : {};
  const base: MediaBodyBase = {
    name: filename ?? (body || "file"),
    // Since Matrix 1.10 a body that differs from the file name is a caption.
    caption: filename !== null && body !== "" && body !== filename ? body : null,
    media,
    mimetype: typeof info.mimetype === "string" ? info.mimetype : null,
    size: positive(info.size),
  };
  const thumbnail = mediaRefOf(info, "thumbnail_url", "thumbnail_file");
  switch (msgtype) {
    case "m.image":
      return {
        ...base,
        kind: "image",
        thumbnail,
        width: positive(info.w),
        height: positive(info.h),
      };
    case "m.video":
      return {
        ...base,
        kind: "video",
        thumbnail,
        width: positive(info.w),
        height: positive(info.h),
        durationMs: positive(info.duration),
      };
    case "m.audio": {
      const audio = content["org.matrix.msc1767.audio"] as { duration?: unknown } | undefined;
      const voice = content["org.matrix.msc3245.voice"] !== undefined;
      return {
        ...base,
        // A voice message's body is fallback text ("Voice message"), never a caption.
        caption: voice ? null : base.caption,
        kind: "audio",
        voice,
        durationMs: positive(info.duration) ?? positive(audio?.duration),
      };
    }
    default:
      return { ...base, kind: "file" };
  }
}

/**
 * The body of an `m.room.message` (or `m.sticker`) content: media when it points at valid media,
 * else its text (without the quoted fallback when it is a reply), else nothing to show.
 */
export function messageBodyOf(
  content: Record<string, unknown>,
  eventType: string,
  isReply: boolean,
): MessageBody {
  return mediaBody(content, eventType) ?? textBody(content, isReply) ?? { kind: "deleted" };
}
