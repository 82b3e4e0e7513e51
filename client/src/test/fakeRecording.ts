import { vi } from "vitest";
import type { Recorder, RecordingEnvironment } from "../features/media/VoiceRecording";

/** A MediaRecorder that "records" the bytes it is given when stopped. */
export class FakeRecorder implements Recorder {
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  onerror: (() => void) | null = null;
  started = false;
  constructor(
    readonly mimeType: string,
    private readonly recorded: Blob,
  ) {}
  start() {
    this.started = true;
  }
  stop() {
    this.ondataavailable?.({ data: this.recorded });
    this.onstop?.();
  }
}

/**
 * A browser with a microphone (or, with `denied`, one the person refused), recording WebM/Opus
 * whose decoded length and waveform are given; its clock moves with `advance`.
 */
export function fakeRecordingEnvironment(
  options: { denied?: boolean; durationMs?: number; waveform?: number[] } = {},
) {
  let clock = 1000;
  const track = { stop: vi.fn() };
  const recorders: FakeRecorder[] = [];
  const environment = {
    getUserMedia: vi.fn(async (_constraints: MediaStreamConstraints) => {
      if (options.denied) throw new DOMException("Permission denied", "NotAllowedError");
      return { getTracks: () => [track] } as unknown as MediaStream;
    }),
    createRecorder: vi.fn((_stream: MediaStream, mimeType: string | undefined) => {
      const recorder = new FakeRecorder(
        mimeType ?? "audio/webm",
        new Blob([new Uint8Array(2048)], { type: mimeType ?? "audio/webm" }),
      );
      recorders.push(recorder);
      return recorder;
    }),
    isTypeSupported: (type: string) => type === "audio/webm;codecs=opus",
    analyse: vi.fn(async (_blob: Blob) =>
      options.durationMs === undefined
        ? null
        : { durationMs: options.durationMs, waveform: options.waveform ?? [] },
    ),
    now: () => clock,
    objectUrls: { create: () => "blob:recording", revoke: vi.fn() },
  } satisfies RecordingEnvironment;
  return {
    environment,
    track,
    recorders,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}
