import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/ApiError";
import type { MatrixLoginToken } from "../api/types";
import { FakeBridge, json } from "../test/fakeBridge";
import { fakeMatrixSdk } from "../test/fakeMatrixSdk";
import { MatrixConnection } from "./MatrixConnection";

function setUp(bridge = FakeBridge.signedIn()) {
  // Syncs are emitted by hand here, to control when the client counts as connected.
  const { clients, loadSdk } = fakeMatrixSdk({ autoSync: false });
  let grants = 0;
  const requestLoginToken = vi.fn(
    async (): Promise<MatrixLoginToken> => ({
      token: `jwt-${++grants}`,
      device_id: "WEBDEVICE",
      user_id: "@ana:example.org",
    }),
  );
  const onSessionLost = vi.fn();
  const connection = new MatrixConnection({
    requestLoginToken,
    onSessionLost,
    loadSdk,
    fetch: bridge.fetch,
    origin: "http://localhost:3000",
  });
  return { connection, bridge, clients, loadSdk, requestLoginToken, onSessionLost };
}

describe("MatrixConnection", () => {
  it("does not load the SDK until it is started", () => {
    const { loadSdk, connection } = setUp();

    expect(loadSdk).not.toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({ status: "stopped", client: null });
  });

  it("logs in with the bridge's JWT and device, then starts the client on the discovered homeserver", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/.well-known/matrix/client", () =>
      json(200, { "m.homeserver": { base_url: "https://matrix.example.org/" } }),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();

    expect(bridge.requests.map((request) => request.url)).toEqual([
      "http://localhost:3000/.well-known/matrix/client",
      "https://matrix.example.org/_matrix/client/v3/login",
    ]);
    expect(bridge.calls("POST", "/_matrix/client/v3/login")[0]?.body).toMatchObject({
      type: "org.matrix.login.jwt",
      token: "jwt-1",
      device_id: "WEBDEVICE",
    });
    expect(clients).toHaveLength(1);
    expect(clients[0]?.options).toEqual({
      baseUrl: "https://matrix.example.org",
      accessToken: "syt_jwt-1",
      userId: "@ana:example.org",
      deviceId: "WEBDEVICE",
    });
    expect(clients[0]?.startOptions).toEqual([{ initialSyncLimit: 20 }]);
    expect(connection.getSnapshot().status).toBe("connecting");

    clients[0]?.emit("sync", "PREPARED");
    expect(connection.getSnapshot()).toMatchObject({
      status: "connected",
      userId: "@ana:example.org",
      client: clients[0],
    });
  });

  it("falls back to this origin when there is no .well-known", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/.well-known/matrix/client", () =>
      json(404, {}),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();

    expect(clients[0]?.options.baseUrl).toBe("http://localhost:3000");
  });

  it("shows why logging in failed and can try again", async () => {
    const bridge = FakeBridge.signedIn().on(
      "POST",
      "/_matrix/client/v3/login",
      () => json(403, { errcode: "M_FORBIDDEN", error: "login token already used" }),
      () => json(200, { user_id: "@ana:example.org", device_id: "WEBDEVICE", access_token: "t" }),
    );
    const { connection, clients } = setUp(bridge);

    await connection.start();
    expect(connection.getSnapshot()).toMatchObject({
      status: "error",
      error: "Couldn't connect to Matrix: login token already used",
    });

    await connection.retry();
    expect(clients).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe("connecting");
  });

  it("logs in again with a new token when Synapse logs the device out", async () => {
    const { connection, clients, requestLoginToken, onSessionLost } = setUp();
    await connection.start();
    clients[0]?.emit("sync", "PREPARED");

    clients[0]?.logOut();
    await vi.waitFor(() => expect(clients).toHaveLength(2));

    expect(clients[0]?.stopped).toBe(true);
    expect(requestLoginToken).toHaveBeenCalledTimes(2);
    expect(clients[1]?.options.accessToken).toBe("syt_jwt-2");
    expect(clients[1]?.options.deviceId).toBe("WEBDEVICE");
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it("gives up and reports the session lost when logging in again is refused", async () => {
    const { connection, clients, requestLoginToken, onSessionLost } = setUp();
    await connection.start();
    requestLoginToken.mockRejectedValueOnce(
      new ApiError({ status: 401, errcode: "M_UNKNOWN_TOKEN", message: "gone" }),
    );

    clients[0]?.logOut();

    await vi.waitFor(() => expect(onSessionLost).toHaveBeenCalledTimes(1));
    expect(connection.getSnapshot().status).toBe("stopped");
  });

  it("retries only once: a second logout before any good sync ends the session", async () => {
    const { connection, clients, onSessionLost } = setUp();
    await connection.start();
    clients[0]?.logOut();
    await vi.waitFor(() => expect(clients).toHaveLength(2));

    clients[1]?.logOut();

    await vi.waitFor(() => expect(onSessionLost).toHaveBeenCalledTimes(1));
    expect(clients).toHaveLength(2);
  });

  it("stops the client on stop() and ignores what the old client says afterwards", async () => {
    const { connection, clients, requestLoginToken } = setUp();
    await connection.start();

    connection.stop();
    clients[0]?.emit("sync", "PREPARED");
    clients[0]?.logOut();

    expect(clients[0]?.stopClient).toHaveBeenCalled();
    expect(connection.getSnapshot()).toMatchObject({ status: "stopped", client: null });
    expect(requestLoginToken).toHaveBeenCalledTimes(1);
  });

  it("restart() replaces the client with a fresh login (after a password change)", async () => {
    const { connection, clients } = setUp();
    await connection.start();

    await connection.restart();

    expect(clients).toHaveLength(2);
    expect(clients[0]?.stopped).toBe(true);
    expect(clients[1]?.options.accessToken).toBe("syt_jwt-2");
  });
});
