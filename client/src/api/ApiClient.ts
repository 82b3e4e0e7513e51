import { ApiError, errorFromResponse, networkError } from "./ApiError";
import { checkResponse, type ResponseSchema } from "./contractCheck";
import type { User } from "./types";

/** The part of the Web Locks API we use; `navigator.locks` in browsers that have it. */
export type LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
};

export type ApiClientOptions = {
  fetch?: typeof fetch;
  /** Serialises refreshes across tabs; `null` for none. Defaults to `navigator.locks`. */
  locks?: LockManagerLike | null;
  /** Defaults to `/api` on this origin. */
  baseUrl?: string;
};

type Method = "GET" | "POST" | "PUT" | "DELETE";

type RequestOptions = {
  body?: unknown;
  /**
   * On a 401, refresh the session once and retry. Off for the calls that establish or end the
   * session themselves (sign in, sign up, refresh, sign out): their 401 is the answer.
   */
  refreshOn401?: boolean;
  /** The contract's schema for a successful answer, checked in development builds. */
  response?: ResponseSchema;
};

/** Name of the Web Lock that lets only one tab at a time spend the rotating refresh token. */
export const REFRESH_LOCK = "xstream-refresh";

/**
 * JSON over `fetch` to the bridge's `/api`, authenticated by its HTTP-only cookies. Errors become
 * {@link ApiError}. A 401 triggers one session refresh and a retry; if the session cannot be
 * refreshed, listeners registered with {@link onSessionEnded} are told.
 */
export class ApiClient {
  readonly #fetch: typeof fetch;
  readonly #locks: LockManagerLike | null;
  readonly #baseUrl: string;
  readonly #sessionEndedListeners = new Set<() => void>();
  #refreshInFlight: Promise<User> | null = null;

  constructor(options: ApiClientOptions = {}) {
    // Call fetch unbound-free: some browsers throw "Illegal invocation" on a detached fetch.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#locks =
      options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null);
    this.#baseUrl = options.baseUrl ?? "/api";
  }

  /** Registers a listener for "the session is gone and could not be refreshed". */
  onSessionEnded(listener: () => void): () => void {
    this.#sessionEndedListeners.add(listener);
    return () => this.#sessionEndedListeners.delete(listener);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const { body, refreshOn401 = true } = options;
    const read = (response: Response) =>
      this.#read<T>(response, options.response, `${method} ${path}`);
    const response = await this.#send(method, path, body);
    if (response.status !== 401 || !refreshOn401) return read(response);

    const refused = await errorFromResponse(response);
    try {
      await this.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.#endSession();
        throw refused;
      }
      throw error;
    }
    const retried = await this.#send(method, path, body);
    if (retried.status === 401) {
      this.#endSession();
      throw await errorFromResponse(retried);
    }
    return read(retried);
  }

  /**
   * Trades the refresh cookie for a new session. Concurrent callers in this tab share one request,
   * and the Web Lock keeps other tabs from spending the same refresh token at the same time (a
   * second use of a rotated token would revoke the whole session).
   */
  refresh(): Promise<User> {
    if (!this.#refreshInFlight) {
      const send = () =>
        this.#send("POST", "/auth/refresh", undefined).then((response) =>
          this.#read<{ user: User }>(
            response,
            (contract) => contract.userResponseSchema,
            "POST /auth/refresh",
          ),
        );
      const locked = this.#locks ? this.#locks.request(REFRESH_LOCK, send) : send();
      this.#refreshInFlight = locked
        .then(({ user }) => user)
        .finally(() => {
          this.#refreshInFlight = null;
        });
    }
    return this.#refreshInFlight;
  }

  #endSession() {
    for (const listener of this.#sessionEndedListeners) listener();
  }

  async #send(method: Method, path: string, body: unknown): Promise<Response> {
    const hasBody = method !== "GET";
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        credentials: "same-origin",
        headers: hasBody
          ? { Accept: "application/json", "Content-Type": "application/json" }
          : { Accept: "application/json" },
        // Writes always carry a JSON object, even an empty one, so the server parses one shape.
        body: hasBody ? JSON.stringify(body ?? {}) : null,
      });
    } catch (error) {
      throw networkError(error);
    }
  }

  async #read<T>(response: Response, schema: ResponseSchema | undefined, what: string): Promise<T> {
    if (!response.ok) throw await errorFromResponse(response);
    const text = await response.text();
    const body: unknown = text === "" ? {} : JSON.parse(text);
    if (import.meta.env.DEV && schema) await checkResponse(schema, body, what);
    return body as T;
  }
}
