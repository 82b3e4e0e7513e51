import type { MatrixClient, TimelineEvents } from "matrix-js-sdk";
import { LiveSubscribers } from "../../matrix/liveSubscribers";
import { encryptAttachment } from "../../matrix/media/attachmentCrypto";
import { findLocalEcho } from "../../matrix/pendingEvents";
import { describeError } from "../../ui/describeError";
import { humanSize } from "../../ui/mediaFormat";
import {
  type AttachmentContent,
  fileContent,
  imageContent,
  msgtypeFor,
  type UploadedFile,
  voiceContent,
  voiceFileName,
} from "./attachmentContent";
import { browserMediaProbe, type MediaProbe, THUMBNAIL_BOX } from "./mediaProbe";

/**
 * The files a room is sending: each is (encrypted when the room is, then) uploaded with
 * progress, and once uploaded sent as a message, which then shows in the timeline as a local
 * echo like any other. An upload can be cancelled until it is sent; a failed one stays with
 * Retry and Remove. Files over the server's limit are refused before anything is uploaded.
 */

export type UploadKind = "image" | "video" | "audio" | "file" | "voice";

export type UploadItem = {
  id: string;
  name: string;
  kind: UploadKind;
  /** Bytes to upload (the file, plus its thumbnail once there is one). */
  total: number;
  loaded: number;
  /** 0–100. */
  percent: number;
  status: "preparing" | "uploading" | "failed";
  error: string | null;
};

export type UploadSnapshot = {
  uploads: UploadItem[];
  /** Why files were not even started (too large), for an alert; null when none were. */
  refusal: string | null;
};

/** A voice recording to send (see VoiceRecording). */
export type VoiceClip = {
  blob: Blob;
  mimetype: string;
  durationMs: number;
  /** 0–1 levels. */
  waveform: number[];
};

type Source =
  | { kind: "file"; file: Blob; name: string; mimetype: string }
  | { kind: "voice"; clip: VoiceClip };

type Job = {
  item: UploadItem;
  source: Source;
  abort: AbortController;
  /** Bytes done per part (file, thumbnail). */
  parts: Map<string, { loaded: number; total: number }>;
};

type UploadClient = Pick<
  MatrixClient,
  "uploadContent" | "getMediaConfig" | "sendMessage" | "getRoom" | "makeTxnId"
>;

function kindOf(mimetype: string): Exclude<UploadKind, "voice"> {
  const msgtype = msgtypeFor(mimetype);
  return msgtype === "m.image"
    ? "image"
    : msgtype === "m.video"
      ? "video"
      : msgtype === "m.audio"
        ? "audio"
        : "file";
}

class Cancelled extends Error {}

export class UploadQueue {
  readonly #client: UploadClient;
  readonly #roomId: string;
  readonly #probe: MediaProbe;
  readonly #subscribers = new LiveSubscribers(() => () => {});
  readonly #jobs = new Map<string, Job>();
  #refusal: string | null = null;
  #snapshot: UploadSnapshot = { uploads: [], refusal: null };
  #limit: Promise<number | null> | null = null;
  #nextId = 1;

  constructor(client: UploadClient, roomId: string, options: { probe?: MediaProbe } = {}) {
    this.#client = client;
    this.#roomId = roomId;
    this.#probe = options.probe ?? browserMediaProbe;
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): UploadSnapshot => this.#snapshot;

  /** Starts sending files (picked, pasted or dropped), refusing those over the size limit. */
  async addFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    const limit = await this.#uploadLimit();
    const refused: File[] = [];
    for (const file of files) {
      if (limit !== null && file.size > limit) {
        refused.push(file);
        continue;
      }
      this.#start({
        kind: "file",
        file,
        name: file.name || "file",
        mimetype: file.type || "application/octet-stream",
      });
    }
    this.#refusal =
      refused.length === 0 || limit === null
        ? null
        : `${refused.map((file) => `“${file.name}” (${humanSize(file.size)})`).join(", ")} ${
            refused.length === 1 ? "is" : "are"
          } too large to send: this server accepts files up to ${humanSize(limit)}.`;
    this.#update();
  }

  /** Sends a voice recording. */
  async addVoice(clip: VoiceClip): Promise<void> {
    const limit = await this.#uploadLimit();
    if (limit !== null && clip.blob.size > limit) {
      this.#refusal = `The recording is too large to send: this server accepts files up to ${humanSize(limit)}.`;
      this.#update();
      return;
    }
    this.#start({ kind: "voice", clip });
  }

  /** Stops an upload; nothing is sent. */
  cancel(id: string): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    job.abort.abort();
    this.#jobs.delete(id);
    this.#update();
  }

  /** Starts a failed upload again from the beginning. */
  retry(id: string): void {
    const job = this.#jobs.get(id);
    if (job?.item.status !== "failed") return;
    this.#jobs.delete(id);
    this.#start(job.source, id);
  }

  /** Drops a failed upload from the list. */
  remove(id: string): void {
    const job = this.#jobs.get(id);
    if (job?.item.status !== "failed") return;
    this.#jobs.delete(id);
    this.#update();
  }

  dismissRefusal(): void {
    if (this.#refusal === null) return;
    this.#refusal = null;
    this.#update();
  }

  #uploadLimit(): Promise<number | null> {
    // Asked once; when the server does not say, it refuses what is too large itself.
    this.#limit ??= this.#client.getMediaConfig(true).then(
      (config) => {
        const size = config["m.upload.size"];
        return typeof size === "number" && size > 0 ? size : null;
      },
      () => {
        this.#limit = null;
        return null;
      },
    );
    return this.#limit;
  }

  #start(source: Source, id = `upload-${this.#nextId++}`) {
    const size = source.kind === "voice" ? source.clip.blob.size : source.file.size;
    const job: Job = {
      item: {
        id,
        name: source.kind === "voice" ? "Voice message" : source.name,
        kind: source.kind === "voice" ? "voice" : kindOf(source.mimetype),
        total: size,
        loaded: 0,
        percent: 0,
        status: "preparing",
        error: null,
      },
      source,
      abort: new AbortController(),
      parts: new Map([["file", { loaded: 0, total: size }]]),
    };
    this.#jobs.set(id, job);
    this.#update();
    void this.#run(job);
  }

  async #run(job: Job): Promise<void> {
    try {
      const content = await this.#uploadAndDescribe(job);
      this.#checkCancelled(job);
      this.#jobs.delete(job.item.id);
      this.#update();
      await this.#send(content);
    } catch (error) {
      // Cancelled: it is gone from the list already, and nothing was sent.
      if (error instanceof Cancelled || job.abort.signal.aborted) return;
      // Failed: listed (again, if it failed while being sent) with Retry and Remove.
      job.item = { ...job.item, status: "failed", error: describeError(error) };
      this.#jobs.set(job.item.id, job);
      this.#update();
    }
  }

  async #uploadAndDescribe(job: Job): Promise<AttachmentContent> {
    const encrypted = this.#roomIsEncrypted();
    const { source } = job;
    if (source.kind === "voice") {
      const uploaded = await this.#upload(
        job,
        "file",
        source.clip.blob,
        voiceFileName(source.clip.mimetype),
        source.clip.mimetype,
        encrypted,
      );
      return voiceContent({ ...source.clip, size: source.clip.blob.size }, uploaded);
    }
    const { file, name, mimetype } = source;
    const kind = job.item.kind;
    if (kind === "image") {
      const size = await this.#probe.imageSize(file);
      this.#checkCancelled(job);
      if (size) {
        const thumbnail = await this.#probe.thumbnail(file, size, THUMBNAIL_BOX);
        this.#checkCancelled(job);
        if (thumbnail) {
          job.parts.set("thumbnail", { loaded: 0, total: thumbnail.blob.size });
          this.#progress(job);
        }
        const [main, thumb] = await Promise.all([
          this.#upload(job, "file", file, name, mimetype, encrypted),
          thumbnail
            ? this.#upload(
                job,
                "thumbnail",
                thumbnail.blob,
                `thumbnail-${name}`,
                thumbnail.blob.type,
                encrypted,
              )
            : null,
        ]);
        return imageContent(
          { name, mimetype, size: file.size, width: size.width, height: size.height },
          main,
          thumbnail && thumb
            ? {
                uploaded: thumb,
                info: {
                  w: thumbnail.width,
                  h: thumbnail.height,
                  mimetype: thumbnail.blob.type,
                  size: thumbnail.blob.size,
                },
              }
            : null,
        );
      }
      // An image the browser cannot read goes as a plain file.
    }
    const details =
      kind === "video" || kind === "audio" ? await this.#probe.playable(file, kind) : null;
    this.#checkCancelled(job);
    const uploaded = await this.#upload(job, "file", file, name, mimetype, encrypted);
    const msgtype = kind === "video" ? "m.video" : kind === "audio" ? "m.audio" : "m.file";
    return fileContent(msgtype, { name, mimetype, size: file.size, ...details }, uploaded);
  }

  /** Uploads one blob (encrypted first in an encrypted room), reporting progress as `part`. */
  async #upload(
    job: Job,
    part: string,
    blob: Blob,
    name: string,
    mimetype: string,
    encrypted: boolean,
  ): Promise<UploadedFile> {
    const onProgress = (progress: { loaded: number; total: number }) => {
      const total = job.parts.get(part)?.total ?? progress.total;
      job.parts.set(part, { loaded: Math.min(progress.loaded, total), total });
      this.#progress(job);
    };
    this.#set(job, { status: "uploading" });
    if (!encrypted) {
      const { content_uri } = await this.#client.uploadContent(blob, {
        name,
        type: mimetype,
        progressHandler: onProgress,
        abortController: job.abort,
      });
      return { kind: "plain", mxc: content_uri };
    }
    const { ciphertext, secrets } = await encryptAttachment(await blob.arrayBuffer());
    this.#checkCancelled(job);
    // The server sees opaque bytes: no name, no type.
    const { content_uri } = await this.#client.uploadContent(new Blob([ciphertext]), {
      type: "application/octet-stream",
      includeFilename: false,
      progressHandler: onProgress,
      abortController: job.abort,
    });
    return { kind: "encrypted", file: { ...secrets, url: content_uri } };
  }

  async #send(content: AttachmentContent): Promise<void> {
    const txnId = this.#client.makeTxnId();
    try {
      await this.#client.sendMessage(
        this.#roomId,
        content as unknown as TimelineEvents["m.room.message"],
        txnId,
      );
    } catch (error) {
      // A local echo marked "not sent" stays in the timeline with Retry, like a text message.
      if (findLocalEcho(this.#client.getRoom(this.#roomId), txnId)) return;
      throw error;
    }
  }

  #roomIsEncrypted(): boolean {
    // The state event is what counts: once a room is encrypted it stays so.
    return this.#client.getRoom(this.#roomId)?.hasEncryptionStateEvent() ?? false;
  }

  #checkCancelled(job: Job) {
    if (job.abort.signal.aborted) throw new Cancelled();
  }

  #progress(job: Job) {
    let loaded = 0;
    let total = 0;
    for (const part of job.parts.values()) {
      loaded += part.loaded;
      total += part.total;
    }
    this.#set(job, {
      loaded,
      total,
      percent: total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0,
    });
  }

  #set(job: Job, changes: Partial<UploadItem>) {
    job.item = { ...job.item, ...changes };
    if (this.#jobs.get(job.item.id) === job) this.#update();
  }

  #update() {
    this.#snapshot = {
      uploads: [...this.#jobs.values()].map((job) => job.item),
      refusal: this.#refusal,
    };
    this.#subscribers.notify();
  }
}

const queues = new WeakMap<object, Map<string, UploadQueue>>();

/** The upload queue of a room; the same one while the client lives, so uploads outlast a visit. */
export function uploadQueueFor(client: MatrixClient, roomId: string): UploadQueue {
  let rooms = queues.get(client);
  if (!rooms) {
    rooms = new Map();
    queues.set(client, rooms);
  }
  let queue = rooms.get(roomId);
  if (!queue) {
    queue = new UploadQueue(client, roomId);
    rooms.set(roomId, queue);
  }
  return queue;
}
