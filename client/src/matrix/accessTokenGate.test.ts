import { describe, expect, it, vi } from "vitest";
import { AccessTokenGate } from "./accessTokenGate";

const HOMESERVER = "https://matrix.example.org";

function setUp() {
  const sent: { url: string; authorization: string | null }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({
      url: String(input),
      authorization: new Headers(init?.headers).get("authorization"),
    });
    return new Response("{}", { status: 200 });
  });
  return { gate: new AccessTokenGate(HOMESERVER, fetchImpl), sent };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("AccessTokenGate", () => {
  it("holds requests until the login answers, then sends them with its token", async () => {
    const { gate, sent } = setUp();

    const held = gate.fetch(`${HOMESERVER}/_matrix/client/v3/room_keys/version`, { headers: {} });
    await tick();
    expect(sent).toEqual([]);

    gate.open("syt_token");
    expect((await held).status).toBe(200);
    expect(sent).toEqual([
      {
        url: `${HOMESERVER}/_matrix/client/v3/room_keys/version`,
        authorization: "Bearer syt_token",
      },
    ]);
  });

  it("keeps the SDK's own header, and adds none to other origins", async () => {
    const { gate, sent } = setUp();

    const own = gate.fetch(`${HOMESERVER}/_matrix/client/v3/sync`, {
      headers: { Authorization: "Bearer already" },
    });
    const elsewhere = gate.fetch("https://matrix.example.org.evil.test/steal", {});
    gate.open("syt_token");
    await Promise.all([own, elsewhere]);

    expect(sent).toEqual([
      { url: `${HOMESERVER}/_matrix/client/v3/sync`, authorization: "Bearer already" },
      { url: "https://matrix.example.org.evil.test/steal", authorization: null },
    ]);
  });

  it("lets requests through untouched once open", async () => {
    const { gate, sent } = setUp();
    gate.open("syt_token");

    await gate.fetch(`${HOMESERVER}/_matrix/client/versions`, {});

    expect(sent).toEqual([{ url: `${HOMESERVER}/_matrix/client/versions`, authorization: null }]);
  });

  it("fails held requests when the login fails, and sends nothing", async () => {
    const { gate, sent } = setUp();

    const held = gate.fetch(`${HOMESERVER}/_matrix/client/v3/keys/upload`, { method: "POST" });
    gate.fail(new Error("login token already used"));

    await expect(held).rejects.toThrow("login token already used");
    expect(sent).toEqual([]);
  });

  it("drops a held request the SDK aborted meanwhile (the client stopped)", async () => {
    const { gate, sent } = setUp();
    const abort = new AbortController();

    const held = gate.fetch(`${HOMESERVER}/_matrix/client/v3/keys/query`, { signal: abort.signal });
    abort.abort();
    gate.open("syt_token");

    await expect(held).rejects.toThrow();
    expect(sent).toEqual([]);
  });
});
