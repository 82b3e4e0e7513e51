/**
 * The SDK client is made before the homeserver has answered the login, so that the crypto (its
 * WASM and IndexedDB store need only the user and device IDs, both known from the bridge's login
 * grant) starts while the login is in flight. Whatever the client asks of the homeserver until
 * then waits here and leaves with the access token once it exists; a failed login fails it. No
 * request leaves without the token, so none can read as a logout.
 */
export class AccessTokenGate {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  #token: string | null = null;
  #open: (token: string) => void = () => {};
  #fail: (error: unknown) => void = () => {};
  readonly #ready: Promise<string>;

  constructor(baseUrl: string, fetchImpl: typeof fetch) {
    this.#baseUrl = baseUrl;
    this.#fetch = fetchImpl;
    this.#ready = new Promise((resolve, reject) => {
      this.#open = resolve;
      this.#fail = reject;
    });
    // Nobody may be waiting when the login fails.
    this.#ready.catch(() => undefined);
  }

  /** The login answered: held requests leave with `token`. */
  open(token: string): void {
    this.#token = token;
    this.#open(token);
  }

  /** The login failed: held and later requests fail with `error` until `open`. */
  fail(error: unknown): void {
    this.#fail(error);
  }

  /** For the SDK's `fetchFn`. */
  readonly fetch: typeof fetch = async (input, init) => {
    if (this.#token !== null) return this.#fetch(input, init);
    const token = await this.#ready;
    init?.signal?.throwIfAborted();
    // The SDK built this request before it had a token (`setAccessToken` comes with the login).
    if (!this.#isHomeserver(input)) return this.#fetch(input, init);
    const headers = new Headers(init?.headers);
    if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
    return this.#fetch(input, { ...init, headers });
  };

  #isHomeserver(input: RequestInfo | URL): boolean {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(`${this.#baseUrl}/`);
  }
}
