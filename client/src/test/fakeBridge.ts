/**
 * A fake of the same-origin HTTP world the client talks to (bridge `/api`, `/.well-known`,
 * Matrix `/login`), for tests. Routes answer with canned responses; every request is recorded.
 */

export type RecordedRequest = {
  method: string;
  /** The full URL as the client wrote it. */
  url: string;
  path: string;
  body: unknown;
  init: RequestInit | undefined;
};

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export const ANA = {
  username: "ana",
  displayName: "Ana Lima",
  role: "user",
  matrixUserId: "@ana:example.org",
} as const;

/** The bridge's answer to a good sign-in: the user and the session's first Matrix login token. */
export const signInAnswer = () =>
  json(200, {
    user: ANA,
    matrix: { token: "jwt-signin", device_id: "WEBDEVICE", user_id: ANA.matrixUserId },
  });

export class FakeBridge {
  readonly requests: RecordedRequest[] = [];
  readonly #routes = new Map<string, Handler[]>();

  /**
   * Answers `method path` with the handler. Several handlers for one route answer in turn; the
   * last keeps answering.
   */
  on(method: string, path: string, ...handlers: Handler[]): this {
    this.#routes.set(`${method} ${path}`, handlers);
    return this;
  }

  /** Requests to a route, in order. */
  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), "http://localhost:3000");
    const method = init?.method ?? "GET";
    const text = typeof init?.body === "string" ? init.body : null;
    const request: RecordedRequest = {
      method,
      url: String(input),
      path: url.pathname,
      body: text === null ? undefined : JSON.parse(text),
      init,
    };
    this.requests.push(request);
    const handlers = this.#routes.get(`${method} ${url.pathname}`);
    if (!handlers || handlers.length === 0) {
      return json(404, {
        errcode: "M_UNRECOGNIZED",
        error: `No fake for ${method} ${url.pathname}`,
      });
    }
    const handler = handlers.length > 1 ? (handlers.shift() as Handler) : (handlers[0] as Handler);
    return handler(request);
  };

  /** A bridge where `ana` is signed in, the Matrix login works and no requests are pending. */
  static signedIn(): FakeBridge {
    let tokens = 0;
    return new FakeBridge()
      .on("GET", "/api/partners/requests", () => json(200, { incoming: [], outgoing: [] }))
      .on("POST", "/api/auth/refresh", () => json(200, { user: ANA }))
      .on("POST", "/api/auth/logout", () => json(200, {}))
      .on("POST", "/api/auth/matrix-token", () => {
        tokens++;
        return json(200, {
          token: `jwt-${tokens}`,
          device_id: "WEBDEVICE",
          user_id: ANA.matrixUserId,
        });
      })
      .on("GET", "/.well-known/matrix/client", () =>
        json(200, { "m.homeserver": { base_url: "http://localhost:3000/" } }),
      )
      .on("POST", "/_matrix/client/v3/login", (request) =>
        json(200, {
          user_id: ANA.matrixUserId,
          device_id: (request.body as { device_id: string }).device_id,
          access_token: `syt_${(request.body as { token: string }).token}`,
        }),
      );
  }
}
