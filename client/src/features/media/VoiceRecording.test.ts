import { describe, expect, it } from "vitest";
import "../../test/fakeMediaServer";
import { fakeRecordingEnvironment } from "../../test/fakeRecording";
import { VoiceRecording } from "./VoiceRecording";
import { waveformOf } from "./waveform";

describe("VoiceRecording", () => {
  it("records Opus, and on stop offers the clip with its decoded length and waveform", async () => {
    const fake = fakeRecordingEnvironment({ durationMs: 2412.7, waveform: [0.2, 1] });
    const recording = new VoiceRecording(fake.environment);

    await recording.start();
    expect(fake.environment.getUserMedia).toHaveBeenCalledWith({ audio: true });
    expect(fake.environment.createRecorder.mock.calls[0]?.[1]).toBe("audio/webm;codecs=opus");
    expect(recording.getSnapshot()).toEqual({ phase: "recording", elapsedMs: 0 });

    fake.advance(2500);
    recording.stop();
    await expect.poll(() => recording.getSnapshot().phase).toBe("recorded");

    const state = recording.getSnapshot();
    expect(state).toMatchObject({
      phase: "recorded",
      previewUrl: "blob:recording",
      clip: { mimetype: "audio/webm", durationMs: 2413, waveform: [0.2, 1] },
    });
    // The microphone is let go as soon as recording stops.
    expect(fake.track.stop).toHaveBeenCalled();

    const clip = recording.take();
    expect(clip?.blob.size).toBe(2048);
    expect(recording.getSnapshot()).toEqual({ phase: "idle" });
    expect(fake.environment.objectUrls.revoke).toHaveBeenCalledWith("blob:recording");
  });

  it("measures the length by the clock when the recording cannot be decoded", async () => {
    const fake = fakeRecordingEnvironment();
    const recording = new VoiceRecording(fake.environment);

    await recording.start();
    fake.advance(1800);
    recording.stop();
    await expect.poll(() => recording.getSnapshot().phase).toBe("recorded");

    expect(recording.getSnapshot()).toMatchObject({ clip: { durationMs: 1800, waveform: [] } });
  });

  it("throws the recording away on cancel, while recording or after", async () => {
    const fake = fakeRecordingEnvironment({ durationMs: 1000 });
    const recording = new VoiceRecording(fake.environment);

    await recording.start();
    recording.cancel();
    expect(recording.getSnapshot()).toEqual({ phase: "idle" });
    expect(fake.track.stop).toHaveBeenCalled();
    expect(recording.take()).toBeNull();
  });

  it("says clearly when the microphone is not allowed", async () => {
    const recording = new VoiceRecording(fakeRecordingEnvironment({ denied: true }).environment);

    await recording.start();

    expect(recording.getSnapshot()).toEqual({
      phase: "error",
      message:
        "Xstream isn't allowed to use your microphone. Allow it in your browser's site settings, then try again.",
    });
  });

  it("says when the browser cannot record at all", async () => {
    const recording = new VoiceRecording({
      getUserMedia: undefined,
      createRecorder: undefined,
    });

    await recording.start();

    expect(recording.getSnapshot()).toEqual({
      phase: "error",
      message: "This browser can't record audio.",
    });
  });
});

describe("waveformOf", () => {
  it("gives each stretch of samples its peak, relative to the loudest", () => {
    const samples = new Float32Array([0.1, -0.2, 0.5, -0.25, 0, 0, 0.05, 0.1]);
    const levels = waveformOf(samples, 4);
    expect(levels).toHaveLength(4);
    for (const [index, expected] of [0.4, 1, 0, 0.2].entries()) {
      expect(levels[index]).toBeCloseTo(expected, 5);
    }
    expect(waveformOf(new Float32Array(4), 2)).toEqual([0, 0]);
    expect(waveformOf(new Float32Array(0))).toEqual([]);
  });
});
