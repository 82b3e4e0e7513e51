/** How long the server shows us as typing after each notification (`sendTyping` timeout). */
export const TYPING_TIMEOUT_MS = 30_000;
/** Re-announce typing this often while it goes on, well before the server's timeout ends. */
export const TYPING_REFRESH_MS = 20_000;
/** No keystroke for this long counts as having stopped typing. */
export const TYPING_IDLE_MS = 10_000;

/**
 * Decides when to tell the room we are typing: once when typing starts, again only every
 * {@link TYPING_REFRESH_MS} while it goes on (a keystroke is not a request), and "stopped" when
 * the text is emptied, sent, the box loses focus, or after {@link TYPING_IDLE_MS} of quiet.
 */
export class TypingNotifier {
  readonly #notify: (typing: boolean) => void;
  readonly #now: () => number;
  #typing = false;
  #lastAnnounced = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(notify: (typing: boolean) => void, now: () => number = Date.now) {
    this.#notify = notify;
    this.#now = now;
  }

  /** The text changed to `text`. */
  typed(text: string): void {
    if (text.trim() === "") {
      this.stop();
      return;
    }
    const now = this.#now();
    if (!this.#typing || now - this.#lastAnnounced >= TYPING_REFRESH_MS) {
      this.#typing = true;
      this.#lastAnnounced = now;
      this.#notify(true);
    }
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /**
   * Typing ended in a message: says "stopped" once `sent` settles, unless typing started again
   * meanwhile. Said at once, the stop would race the message to the partner's sync, which
   * could wake for the stop alone and bring the message a round trip later.
   */
  stopAfter(sent: Promise<unknown>): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    const settled = () => {
      if (!this.#typing) this.#notify(false);
    };
    sent.then(settled, settled);
  }

  /** Typing stopped (sent, emptied, blurred, closed). Says so only if we had said we typed. */
  stop(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    this.#notify(false);
  }
}
