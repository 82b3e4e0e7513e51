import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ICreateClientOpts } from "matrix-js-sdk";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MatrixConnection } from "../../matrix/MatrixConnection";
import { MatrixConnectionProvider } from "../../matrix/useMatrixClient";
import { FakeBridge } from "../../test/fakeBridge";
import { type FakeMatrixClient, fakeMatrixSdk } from "../../test/fakeMatrixSdk";
import { ConnectionStatus } from "./ConnectionBanner";

/** A Matrix connection on the fake SDK, started, with its first sync done. */
async function connected({ cryptoFails = false } = {}) {
  const { sdk, clients, loadSdk } = fakeMatrixSdk({ autoSync: false });
  const createClient = sdk.createClient;
  Object.assign(sdk, {
    createClient: (options: ICreateClientOpts) => {
      const client = createClient(options) as unknown as FakeMatrixClient;
      if (cryptoFails) {
        client.initRustCrypto.mockRejectedValueOnce(new Error("IndexedDB is blocked"));
      }
      return client;
    },
  });
  const connection = new MatrixConnection({
    requestLoginToken: async () => ({
      token: "jwt",
      device_id: "WEB",
      user_id: "@ana:example.org",
    }),
    onSessionLost: () => {},
    loadSdk,
    fetch: FakeBridge.signedIn().fetch,
    origin: "http://localhost:3000",
    databases: null,
    locks: null,
  });
  await connection.start();
  const client = clients[0];
  if (!client) throw new Error("no client");
  const retryImmediately = vi.fn(() => true);
  Object.assign(client, { retryImmediately });
  act(() => client.emit("sync", "PREPARED"));
  return { connection, client, retryImmediately };
}

function renderBanner(connection: MatrixConnection | null) {
  const user = userEvent.setup();
  const wrap = (children: ReactNode) =>
    connection ? (
      <MatrixConnectionProvider connection={connection}>{children}</MatrixConnectionProvider>
    ) : (
      children
    );
  render(wrap(<ConnectionStatus />));
  return { user };
}

function goOffline(offline: boolean) {
  vi.spyOn(navigator, "onLine", "get").mockReturnValue(!offline);
  act(() => {
    window.dispatchEvent(new Event(offline ? "offline" : "online"));
  });
}

const banner = () => screen.getAllByRole("status")[0];

describe("ConnectionStatus", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("says nothing while connected", async () => {
    const { connection } = await connected();
    renderBanner(connection);

    for (const status of screen.getAllByRole("status")) expect(status).toBeEmptyDOMElement();
  });

  it("says Reconnecting with Retry now while the sync is down, and goes when it is back", async () => {
    const { connection, client, retryImmediately } = await connected();
    const { user } = renderBanner(connection);

    act(() => client.emit("sync", "RECONNECTING"));
    expect(banner()).toHaveTextContent("Reconnecting…");
    await user.click(screen.getByRole("button", { name: "Retry now" }));
    expect(retryImmediately).toHaveBeenCalledTimes(1);

    act(() => client.emit("sync", "ERROR"));
    expect(banner()).toHaveTextContent("Reconnecting…");

    act(() => client.emit("sync", "SYNCING"));
    expect(banner()).toBeEmptyDOMElement();
    expect(screen.queryByRole("button", { name: "Retry now" })).toBeNull();
  });

  it("says the browser is offline and that messages will wait, then goes when it is online", async () => {
    const { connection, client } = await connected();
    renderBanner(connection);

    goOffline(true);
    // The sync fails too, but the browser's word is the useful one.
    act(() => client.emit("sync", "RECONNECTING"));
    expect(banner()).toHaveTextContent("You're offline — messages will send when you reconnect.");
    expect(screen.queryByRole("button", { name: "Retry now" })).toBeNull();

    goOffline(false);
    act(() => client.emit("sync", "SYNCING"));
    expect(banner()).toBeEmptyDOMElement();
  });

  it("shows offline even without a Matrix connection", () => {
    renderBanner(null);

    goOffline(true);

    expect(banner()).toHaveTextContent("You're offline");
  });

  it("says when encrypted chats cannot be read in this tab", async () => {
    const { connection } = await connected({ cryptoFails: true });
    renderBanner(connection);

    expect(screen.getAllByRole("status")[1]).toHaveTextContent(
      "Encrypted chats are unavailable: IndexedDB is blocked",
    );
  });
});
