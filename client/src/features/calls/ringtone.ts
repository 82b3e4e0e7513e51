/** The sound of an incoming call, on while the prompt rings. */
export interface Ringtone {
  start(): void;
  stop(): void;
}

/** Two short double-rings, then quiet: one cycle in seconds. */
const CYCLE_S = 3;
const BURSTS: readonly [start: number, length: number][] = [
  [0, 0.4],
  [0.6, 0.4],
];
/** A major third (E5, G♯5): friendly rather than alarming. */
const TONES_HZ = [659.25, 830.61];
const VOLUME = 0.12;

type AudioContextConstructor = new () => AudioContext;

/**
 * A ringtone synthesised with WebAudio, so there is no audio file to load. Browsers keep audio
 * off until the page has been used (clicked, typed in); before that the prompt rings silently.
 */
export class WebAudioRingtone implements Ringtone {
  readonly #AudioContext: AudioContextConstructor | undefined;
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(AudioContextClass: AudioContextConstructor | undefined = globalThis.AudioContext) {
    this.#AudioContext = AudioContextClass;
  }

  start(): void {
    if (this.#timer !== null || !this.#AudioContext) return;
    try {
      this.#context ??= new this.#AudioContext();
    } catch {
      return; // No audio output: the prompt still shows.
    }
    const context = this.#context;
    if (context.state === "suspended") context.resume().catch(() => undefined);
    this.#ringOnce(context);
    this.#timer = setInterval(() => this.#ringOnce(context), CYCLE_S * 1000);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    // Closing cuts the cycle already scheduled; the next start makes a new context.
    this.#context?.close().catch(() => undefined);
    this.#context = null;
  }

  #ringOnce(context: AudioContext) {
    const at = context.currentTime + 0.05;
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    for (const [start, length] of BURSTS) {
      // Short ramps: a hard on/off clicks.
      gain.gain.setValueAtTime(0, at + start);
      gain.gain.linearRampToValueAtTime(VOLUME, at + start + 0.02);
      gain.gain.setValueAtTime(VOLUME, at + start + length - 0.04);
      gain.gain.linearRampToValueAtTime(0, at + start + length);
    }
    const end = at + Math.max(...BURSTS.map(([start, length]) => start + length));
    for (const frequency of TONES_HZ) {
      const tone = context.createOscillator();
      tone.type = "sine";
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(at);
      tone.stop(end);
    }
  }
}
