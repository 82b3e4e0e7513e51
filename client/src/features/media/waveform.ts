/**
 * A voice message's waveform: `buckets` loudness levels from 0 to 1 (peaks, normalised to the
 * loudest), from decoded audio samples.
 */
export function waveformOf(samples: Float32Array, buckets = 64): number[] {
  if (samples.length === 0 || buckets <= 0) return [];
  const size = Math.max(1, Math.floor(samples.length / buckets));
  const peaks: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = bucket * size;
    if (start >= samples.length) break;
    let peak = 0;
    for (let i = start; i < Math.min(samples.length, start + size); i++) {
      const level = Math.abs(samples[i] ?? 0);
      if (level > peak) peak = level;
    }
    peaks.push(peak);
  }
  const loudest = Math.max(...peaks);
  return loudest > 0 ? peaks.map((peak) => peak / loudest) : peaks.map(() => 0);
}

/** Length and waveform of a recording, decoded with WebAudio; null when it cannot be decoded. */
export async function analyseRecording(
  blob: Blob,
): Promise<{ durationMs: number; waveform: number[] } | null> {
  const AudioContextClass = globalThis.AudioContext;
  if (typeof AudioContextClass !== "function") return null;
  const context = new AudioContextClass();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    return { durationMs: audio.duration * 1000, waveform: waveformOf(audio.getChannelData(0)) };
  } catch {
    return null;
  } finally {
    void context.close().catch(() => undefined);
  }
}
