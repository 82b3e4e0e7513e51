import { LiveSubscribers } from "../../matrix/liveSubscribers";
import type { VoiceClip } from "./UploadQueue";
import { analyseRecording } from "./waveform";

/**
 * Recording a voice message: asks for the microphone, records with MediaRecorder (Opus in Ogg or
 * WebM, whichever the browser makes), and on stop offers the clip with its length and waveform
 * for a listen before it is sent. Cancel throws it away.
 */

export type RecorderState =
  | { phase: "idle" }
  /** Waiting for the microphone (the browser may be asking the person). */
  | { phase: "starting" }
  | { phase: "recording"; elapsedMs: number }
  /** Stopped; working out length and waveform. */
  | { phase: "processing" }
  | { phase: "recorded"; clip: VoiceClip; previewUrl: string }
  | { phase: "error"; message: string };

/** The parts of MediaRecorder used here. */
export type Recorder = {
  readonly mimeType: string;
  start(timeslice?: number): void;
  stop(): void;
  ondataavailable: ((event: { data: Blob }) => void) | null;
  onstop: (() => void) | null;
  onerror: (() => void) | null;
};

/** What recording needs from the browser; each part undefined when the browser lacks it. */
type Environment = {
  getUserMedia: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined;
  createRecorder: ((stream: MediaStream, mimeType: string | undefined) => Recorder) | undefined;
  isTypeSupported: ((type: string) => boolean) | undefined;
  analyse: (blob: Blob) => Promise<{ durationMs: number; waveform: number[] } | null>;
  now: () => number;
  objectUrls: { create(blob: Blob): string; revoke(url: string): void };
};

/** Stand-ins for the browser's parts (tests); the rest come from the browser. */
export type RecordingEnvironment = Partial<Environment>;

/** Preferred first: Ogg/Opus is what Element records; Chromium makes WebM/Opus. */
const RECORDING_TYPES = [
  "audio/ogg;codecs=opus",
  "audio/webm;codecs=opus",
  "audio/webm",
  "audio/mp4",
];

/** Recordings stop on their own after this long. */
export const MAX_RECORDING_MS = 10 * 60 * 1000;

function browserEnvironment(): Environment {
  const MediaRecorderClass = globalThis.MediaRecorder;
  const devices = globalThis.navigator?.mediaDevices;
  return {
    getUserMedia: devices?.getUserMedia
      ? (constraints) => devices.getUserMedia(constraints)
      : undefined,
    createRecorder: MediaRecorderClass
      ? (stream, mimeType) =>
          // Its handlers take richer events than Recorder says; only `data` is read.
          new MediaRecorderClass(stream, mimeType ? { mimeType } : undefined) as unknown as Recorder
      : undefined,
    isTypeSupported: MediaRecorderClass
      ? (type) => MediaRecorderClass.isTypeSupported(type)
      : undefined,
    analyse: analyseRecording,
    now: () => performance.now(),
    objectUrls: {
      create: (blob) => URL.createObjectURL(blob),
      revoke: (url) => URL.revokeObjectURL(url),
    },
  };
}

function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Xstream isn't allowed to use your microphone. Allow it in your browser's site settings, then try again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found. Connect one, then try again.";
  }
  if (name === "NotReadableError") {
    return "Your microphone is in use by another app. Close it, then try again.";
  }
  return "Couldn't start recording. Check your microphone, then try again.";
}

export class VoiceRecording {
  readonly #env: Environment;
  readonly #subscribers = new LiveSubscribers(() => () => {});
  #state: RecorderState = { phase: "idle" };
  #recorder: Recorder | null = null;
  #stream: MediaStream | null = null;
  #chunks: Blob[] = [];
  #startedAt = 0;
  #ticker: ReturnType<typeof setInterval> | null = null;
  /** Bumped by cancel, so a recording that finishes late is dropped. */
  #generation = 0;

  constructor(environment: RecordingEnvironment = {}) {
    // A part given as undefined stands for a browser without it.
    this.#env = { ...browserEnvironment(), ...environment } as Environment;
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): RecorderState => this.#state;

  /** Whether this browser can record at all. */
  get supported(): boolean {
    return Boolean(this.#env.getUserMedia && this.#env.createRecorder);
  }

  async start(): Promise<void> {
    if (this.#state.phase === "starting" || this.#state.phase === "recording") return;
    this.#clearRecorded();
    const { getUserMedia, createRecorder } = this.#env;
    if (!getUserMedia || !createRecorder) {
      this.#set({ phase: "error", message: "This browser can't record audio." });
      return;
    }
    const generation = ++this.#generation;
    this.#set({ phase: "starting" });
    let stream: MediaStream;
    try {
      stream = await getUserMedia({ audio: true });
    } catch (error) {
      if (generation === this.#generation)
        this.#set({ phase: "error", message: microphoneProblem(error) });
      return;
    }
    if (generation !== this.#generation) {
      stopTracks(stream);
      return;
    }
    const mimeType = RECORDING_TYPES.find((type) => this.#env.isTypeSupported?.(type) ?? false);
    let recorder: Recorder;
    try {
      recorder = createRecorder(stream, mimeType);
    } catch (error) {
      stopTracks(stream);
      this.#set({ phase: "error", message: microphoneProblem(error) });
      return;
    }
    this.#stream = stream;
    this.#recorder = recorder;
    this.#chunks = [];
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) this.#chunks.push(event.data);
    };
    recorder.onstop = () =>
      void this.#finish(generation, recorder.mimeType || mimeType || "audio/webm");
    recorder.onerror = () => {
      this.#release();
      this.#set({ phase: "error", message: "Recording stopped unexpectedly. Try again." });
    };
    recorder.start(250);
    this.#startedAt = this.#env.now();
    this.#set({ phase: "recording", elapsedMs: 0 });
    this.#ticker = setInterval(() => {
      if (this.#state.phase !== "recording") return;
      const elapsedMs = this.#env.now() - this.#startedAt;
      if (elapsedMs >= MAX_RECORDING_MS) this.stop();
      else this.#set({ phase: "recording", elapsedMs });
    }, 250);
  }

  /** Stops recording; the clip follows (phase "recorded"). */
  stop(): void {
    if (this.#state.phase !== "recording" || !this.#recorder) return;
    this.#stopTicker();
    this.#set({ phase: "processing" });
    this.#recorder.stop();
  }

  /** Throws away what is being or was recorded. */
  cancel(): void {
    this.#generation += 1;
    this.#stopTicker();
    const recorder = this.#recorder;
    this.#recorder = null;
    if (recorder) {
      recorder.onstop = null;
      try {
        recorder.stop();
      } catch {
        // Already stopped.
      }
    }
    this.#release();
    this.#clearRecorded();
    this.#set({ phase: "idle" });
  }

  /** Hands over the recorded clip for sending, and gets ready for the next one. */
  take(): VoiceClip | null {
    if (this.#state.phase !== "recorded") return null;
    const { clip } = this.#state;
    this.#clearRecorded();
    this.#set({ phase: "idle" });
    return clip;
  }

  /** Forgets an error message. */
  dismiss(): void {
    if (this.#state.phase === "error") this.#set({ phase: "idle" });
  }

  async #finish(generation: number, recordedType: string) {
    const elapsedMs = this.#env.now() - this.#startedAt;
    this.#release();
    this.#recorder = null;
    const mimetype = recordedType.split(";")[0]?.trim() || "audio/webm";
    const blob = new Blob(this.#chunks, { type: mimetype });
    this.#chunks = [];
    if (blob.size === 0) {
      this.#set({
        phase: "error",
        message: "Nothing was recorded. Check your microphone, then try again.",
      });
      return;
    }
    const analysis = await this.#env.analyse(blob);
    if (generation !== this.#generation) return;
    const clip: VoiceClip = {
      blob,
      mimetype,
      // The decoder knows the real length; MediaRecorder's WebM does not say.
      durationMs: Math.round(
        analysis?.durationMs && Number.isFinite(analysis.durationMs)
          ? analysis.durationMs
          : elapsedMs,
      ),
      waveform: analysis?.waveform ?? [],
    };
    this.#set({ phase: "recorded", clip, previewUrl: this.#env.objectUrls.create(blob) });
  }

  #clearRecorded() {
    if (this.#state.phase === "recorded") this.#env.objectUrls.revoke(this.#state.previewUrl);
  }

  #stopTicker() {
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#ticker = null;
  }

  /** Lets go of the microphone (the browser's recording indicator goes off). */
  #release() {
    this.#stopTicker();
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = null;
  }

  #set(state: RecorderState) {
    this.#state = state;
    this.#subscribers.notify();
  }
}

function stopTracks(stream: MediaStream) {
  for (const track of stream.getTracks()) track.stop();
}
