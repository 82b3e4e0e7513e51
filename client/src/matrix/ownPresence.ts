import type { MatrixClient, SetPresence } from "matrix-js-sdk";
import { sdkValue } from "./sdkValues";

/** The page's visibility: `document` in the browser. */
export type PageVisibility = Pick<
  Document,
  "visibilityState" | "addEventListener" | "removeEventListener"
>;

const ONLINE = sdkValue<SetPresence.Online>("online");
const UNAVAILABLE = sdkValue<SetPresence.Unavailable>("unavailable");

/** How long the tab may stay hidden before we count as away. */
export const AWAY_AFTER_MS = 5 * 60_000;

/**
 * Tells the homeserver whether the signed-in person is here: online while the tab is visible,
 * away ("unavailable") once it has been hidden for a while. Offline needs nothing: Synapse marks
 * us offline soon after the tab stops syncing.
 *
 * Each change goes into every later /sync (`set_presence`, which does not clobber a status message
 * set elsewhere) and is also sent at once (`PUT /presence`), so partners see it without waiting
 * for the current long poll to end.
 */
export class OwnPresence {
  readonly #client: Pick<MatrixClient, "setSyncPresence" | "setPresence">;
  readonly #page: PageVisibility;
  readonly #awayAfterMs: number;
  #away = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    client: Pick<MatrixClient, "setSyncPresence" | "setPresence">,
    page: PageVisibility,
    awayAfterMs = AWAY_AFTER_MS,
  ) {
    this.#client = client;
    this.#page = page;
    this.#awayAfterMs = awayAfterMs;
  }

  /** Starts following the page's visibility; returns a function that stops. */
  start(): () => void {
    const onVisibility = () => this.#onVisibility();
    this.#page.addEventListener("visibilitychange", onVisibility);
    this.#onVisibility();
    return () => {
      this.#page.removeEventListener("visibilitychange", onVisibility);
      this.#clearTimer();
    };
  }

  #onVisibility() {
    if (this.#page.visibilityState === "visible") {
      this.#clearTimer();
      if (this.#away) this.#announce(false);
    } else if (!this.#away && this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#announce(true);
      }, this.#awayAfterMs);
    }
  }

  #announce(away: boolean) {
    this.#away = away;
    void this.#client.setSyncPresence(away ? UNAVAILABLE : ONLINE);
    // Best effort: if it fails, the next /sync carries the same state.
    this.#client.setPresence({ presence: away ? "unavailable" : "online" }).catch(() => undefined);
  }

  #clearTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
