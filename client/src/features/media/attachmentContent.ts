import type { EncryptedFile } from "../../matrix/media/mediaRef";

/**
 * The content of media messages, as the Matrix spec and Element write them, so what we send
 * shows properly everywhere: `m.image` with its size and thumbnail, `m.video`, `m.audio`,
 * `m.file`, and voice messages (MSC3245 with the MSC1767 audio block Element draws its
 * waveform from).
 */

/** Where an uploaded file ended up: plain media has a URL; encrypted media its EncryptedFile. */
export type UploadedFile =
  | { kind: "plain"; mxc: string }
  | { kind: "encrypted"; file: EncryptedFile };

export type ThumbnailInfo = { w: number; h: number; mimetype: string; size: number };

export type ImageInfo = {
  w: number;
  h: number;
  mimetype: string;
  size: number;
  thumbnail_url?: string;
  thumbnail_file?: EncryptedFile;
  thumbnail_info?: ThumbnailInfo;
};

export type FileInfo = {
  mimetype: string;
  size: number;
  w?: number;
  h?: number;
  /** Milliseconds. */
  duration?: number;
};

type Location = { url: string } | { file: EncryptedFile };

export type ImageContent = {
  msgtype: "m.image";
  body: string;
  filename: string;
  info: ImageInfo;
} & Location;

export type FileContent = {
  msgtype: "m.file" | "m.video" | "m.audio";
  body: string;
  filename: string;
  info: FileInfo;
} & Location;

export type VoiceContent = {
  msgtype: "m.audio";
  body: string;
  info: { mimetype: string; size: number; duration: number };
  "org.matrix.msc1767.text": string;
  "org.matrix.msc1767.file": {
    url: string;
    name: string;
    mimetype: string;
    size: number;
    file?: EncryptedFile;
  };
  "org.matrix.msc1767.audio": { duration: number; waveform: number[] };
  "org.matrix.msc3245.voice": Record<string, never>;
} & Location;

export type AttachmentContent = ImageContent | FileContent | VoiceContent;

function locationOf(uploaded: UploadedFile): Location {
  return uploaded.kind === "plain" ? { url: uploaded.mxc } : { file: uploaded.file };
}

/** Which message type a file is sent as, from its MIME type. */
export function msgtypeFor(mimetype: string): "m.image" | "m.video" | "m.audio" | "m.file" {
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(mimetype)) return "m.image";
  if (mimetype.startsWith("video/")) return "m.video";
  if (mimetype.startsWith("audio/")) return "m.audio";
  return "m.file";
}

export function imageContent(
  image: { name: string; mimetype: string; size: number; width: number; height: number },
  uploaded: UploadedFile,
  thumbnail?: { uploaded: UploadedFile; info: ThumbnailInfo } | null,
): ImageContent {
  const info: ImageInfo = {
    w: image.width,
    h: image.height,
    mimetype: image.mimetype,
    size: image.size,
  };
  if (thumbnail) {
    if (thumbnail.uploaded.kind === "plain") info.thumbnail_url = thumbnail.uploaded.mxc;
    else info.thumbnail_file = thumbnail.uploaded.file;
    info.thumbnail_info = thumbnail.info;
  }
  return {
    msgtype: "m.image",
    body: image.name,
    filename: image.name,
    info,
    ...locationOf(uploaded),
  };
}

export function fileContent(
  msgtype: "m.file" | "m.video" | "m.audio",
  file: {
    name: string;
    mimetype: string;
    size: number;
    width?: number | undefined;
    height?: number | undefined;
    durationMs?: number | undefined;
  },
  uploaded: UploadedFile,
): FileContent {
  const info: FileInfo = { mimetype: file.mimetype, size: file.size };
  if (file.width !== undefined && file.height !== undefined) {
    info.w = file.width;
    info.h = file.height;
  }
  if (file.durationMs !== undefined) info.duration = Math.round(file.durationMs);
  return { msgtype, body: file.name, filename: file.name, info, ...locationOf(uploaded) };
}

const VOICE_BODY = "Voice message";

/** The file name a recording goes by, from its type ("Voice message.webm"). */
export function voiceFileName(mimetype: string): string {
  const subtype = mimetype.split(";")[0]?.split("/")[1] ?? "";
  const extension = { ogg: "ogg", webm: "webm", mp4: "m4a", mpeg: "mp3", wav: "wav" }[subtype];
  return extension ? `${VOICE_BODY}.${extension}` : VOICE_BODY;
}

/**
 * A voice message: `m.audio` marked with `org.matrix.msc3245.voice`, its length in ms and a
 * waveform of 0–1024 values (what Element sends and draws).
 */
export function voiceContent(
  recording: { mimetype: string; size: number; durationMs: number; waveform: number[] },
  uploaded: UploadedFile,
): VoiceContent {
  const duration = Math.round(recording.durationMs);
  const name = voiceFileName(recording.mimetype);
  const location = locationOf(uploaded);
  const extensibleFile: VoiceContent["org.matrix.msc1767.file"] = {
    url: uploaded.kind === "plain" ? uploaded.mxc : uploaded.file.url,
    name,
    mimetype: recording.mimetype,
    size: recording.size,
  };
  if (uploaded.kind === "encrypted") extensibleFile.file = uploaded.file;
  return {
    msgtype: "m.audio",
    // No `filename`: with one, clients take the body for a caption (Matrix 1.10).
    body: VOICE_BODY,
    info: { mimetype: recording.mimetype, size: recording.size, duration },
    "org.matrix.msc1767.text": VOICE_BODY,
    "org.matrix.msc1767.file": extensibleFile,
    "org.matrix.msc1767.audio": {
      duration,
      waveform: recording.waveform.map((level) =>
        Math.round(Math.min(1, Math.max(0, level)) * 1024),
      ),
    },
    "org.matrix.msc3245.voice": {},
    ...location,
  };
}
