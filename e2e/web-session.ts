// What a browser does with the bridge's /api: keeps its cookies and sends its Origin. Used by
// the integration tests and the benchmarks to act as a web-client learner.
export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiErrorBody {
  errcode: string;
  error: string;
  field?: string;
  retry_after_ms?: number;
}

export interface WebUser {
  username: string;
  displayName: string;
  role: string;
  matrixUserId: string;
}

export class WebSession {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly origin: string,
    private readonly sendOrigin = true,
  ) {}

  private remember(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some(
        (attribute) =>
          /^\s*max-age=0\s*$/i.test(attribute) ||
          (/^\s*expires=/i.test(attribute) &&
            Date.parse(attribute.split("=")[1] ?? "") < Date.now()),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: {
        ...(this.sendOrigin ? { origin: this.origin } : {}),
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...extraHeaders,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    this.remember(response.headers);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: keep the text for the assertion message.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  signup(username: string, password: string, displayName = username) {
    return this.request<{ user: WebUser } & Partial<ApiErrorBody>>("POST", "/api/auth/signup", {
      username,
      password,
      displayName,
    });
  }

  login(username: string, password: string) {
    return this.request<
      {
        user: WebUser;
        /** The session's first Matrix login token. */
        matrix?: { token: string; device_id: string; user_id: string; homeserver_url?: string };
      } & Partial<ApiErrorBody>
    >("POST", "/api/auth/login", {
      username,
      password,
    });
  }

  matrixToken() {
    return this.request<
      { token: string; device_id: string; user_id: string } & Partial<ApiErrorBody>
    >("POST", "/api/auth/matrix-token");
  }
}

/** Exchanges a bridge-minted JWT at the homeserver's /login, as the web client does. */
export async function jwtLogin(origin: string, token: string, deviceId: string) {
  const response = await fetch(`${origin}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "org.matrix.login.jwt", token, device_id: deviceId }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      user_id?: string;
      access_token?: string;
      device_id?: string;
      errcode?: string;
    },
  };
}

export function strongPassword(): string {
  return `Correct-Horse-${Math.random().toString(36).slice(2)}-Battery`;
}
