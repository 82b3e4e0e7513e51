import { describe, expect, it, vi } from "vitest";
import { ANA, FakeBridge, json } from "../test/fakeBridge";
import { ApiClient, type LockManagerLike, REFRESH_LOCK } from "./ApiClient";
import { ApiError } from "./ApiError";

function setUp(bridge: FakeBridge, locks: LockManagerLike | null = null) {
  const api = new ApiClient({ fetch: bridge.fetch, locks });
  const sessionEnded = vi.fn();
  api.onSessionEnded(sessionEnded);
  return { api, sessionEnded };
}

const unknownToken = () => json(401, { errcode: "M_UNKNOWN_TOKEN", error: "Token expired" });

describe("ApiClient", () => {
  it("sends JSON with same-origin cookies to /api", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/login", () => json(200, { user: ANA }));
    const { api } = setUp(bridge);

    await expect(
      api.request("POST", "/auth/login", { body: { username: "ana", password: "pw" } }),
    ).resolves.toEqual({ user: ANA });

    const [sent] = bridge.requests;
    expect(sent?.body).toEqual({ username: "ana", password: "pw" });
    expect(sent?.init?.credentials).toBe("same-origin");
    expect(new Headers(sent?.init?.headers).get("Content-Type")).toBe("application/json");
  });

  it("turns an error body into an ApiError with its code, message and field", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/signup", () =>
      json(409, { errcode: "M_USER_IN_USE", error: "Username taken", field: "username" }),
    );
    const { api } = setUp(bridge);

    const error = await api
      .request("POST", "/auth/signup", { refreshOn401: false })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      errcode: "M_USER_IN_USE",
      message: "Username taken",
      field: "username",
    });
  });

  it("reads how long to wait from a 429's Retry-After header", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/login", () =>
      json(429, { errcode: "M_LIMIT_EXCEEDED", error: "Slow down" }, { "Retry-After": "30" }),
    );
    const { api } = setUp(bridge);

    const error = await api.request("POST", "/auth/login", { refreshOn401: false }).catch((e) => e);

    expect(error).toMatchObject({ status: 429, retryAfterMs: 30_000 });
  });

  it("copes with a body that is not JSON, and with no answer at all", async () => {
    const bridge = new FakeBridge().on(
      "GET",
      "/api/auth/session",
      () => new Response("<h1>Bad gateway</h1>", { status: 502 }),
    );
    const { api } = setUp(bridge);
    await expect(api.request("GET", "/auth/session")).rejects.toMatchObject({
      status: 502,
      errcode: "M_UNKNOWN",
    });

    const offline = new ApiClient({
      fetch: () => Promise.reject(new TypeError("Failed to fetch")),
      locks: null,
    });
    await expect(offline.request("GET", "/auth/session")).rejects.toMatchObject({
      status: 0,
      message: "Can't reach Xstream. Check your connection and try again.",
    });
  });

  it("refreshes the session once after a 401 and retries the request", async () => {
    const bridge = new FakeBridge()
      .on("POST", "/api/auth/matrix-token", unknownToken, () =>
        json(200, { token: "jwt", device_id: "D", user_id: "@ana:example.org" }),
      )
      .on("POST", "/api/auth/refresh", () => json(200, { user: ANA }));
    const { api, sessionEnded } = setUp(bridge);

    await expect(api.request("POST", "/auth/matrix-token")).resolves.toMatchObject({
      token: "jwt",
    });

    expect(bridge.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/auth/matrix-token",
      "POST /api/auth/refresh",
      "POST /api/auth/matrix-token",
    ]);
    expect(sessionEnded).not.toHaveBeenCalled();
  });

  it("ends the session when the refresh is refused", async () => {
    const bridge = new FakeBridge()
      .on("POST", "/api/auth/password", unknownToken)
      .on("POST", "/api/auth/refresh", unknownToken);
    const { api, sessionEnded } = setUp(bridge);

    await expect(api.request("POST", "/auth/password", { body: {} })).rejects.toMatchObject({
      status: 401,
    });

    expect(sessionEnded).toHaveBeenCalledTimes(1);
    expect(bridge.calls("POST", "/api/auth/password")).toHaveLength(1);
  });

  it("ends the session when the retried request is refused again, without a second refresh", async () => {
    const bridge = new FakeBridge()
      .on("GET", "/api/auth/session", unknownToken)
      .on("POST", "/api/auth/refresh", () => json(200, { user: ANA }));
    const { api, sessionEnded } = setUp(bridge);

    await expect(api.request("GET", "/auth/session")).rejects.toMatchObject({ status: 401 });

    expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(1);
    expect(bridge.calls("GET", "/api/auth/session")).toHaveLength(2);
    expect(sessionEnded).toHaveBeenCalledTimes(1);
  });

  it("does not refresh for calls whose 401 is the answer (sign in)", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/login", unknownToken);
    const { api, sessionEnded } = setUp(bridge);

    await expect(
      api.request("POST", "/auth/login", { refreshOn401: false }),
    ).rejects.toBeInstanceOf(ApiError);

    expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(0);
    expect(sessionEnded).not.toHaveBeenCalled();
  });

  it("shares one refresh between concurrent 401s, taken under the cross-tab lock", async () => {
    let releaseRefresh = () => {};
    const bridge = new FakeBridge()
      .on("GET", "/api/a", unknownToken, () => json(200, { a: 1 }))
      .on("GET", "/api/b", unknownToken, () => json(200, { b: 2 }))
      .on(
        "POST",
        "/api/auth/refresh",
        () =>
          new Promise<Response>((resolve) => {
            releaseRefresh = () => resolve(json(200, { user: ANA }));
          }),
      );
    const locks: LockManagerLike = { request: vi.fn((_name, callback) => callback()) };
    const { api } = setUp(bridge, locks);

    const both = Promise.all([api.request("GET", "/a"), api.request("GET", "/b")]);
    await vi.waitFor(() => expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(1));
    releaseRefresh();

    await expect(both).resolves.toEqual([{ a: 1 }, { b: 2 }]);
    expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(1);
    expect(locks.request).toHaveBeenCalledTimes(1);
    expect(locks.request).toHaveBeenCalledWith(REFRESH_LOCK, expect.any(Function));
  });
});
