import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createOpenIdVerifier } from "./openIdUserInfo.js";
import { createOutboundFetch } from "./outboundHttp.js";

type Answer = [status: number, body: unknown] | "hang" | Error;

/** A scripted network: answers by URL, records every URL asked. */
function fakeNetwork(answers: Record<string, Answer>) {
  const requested: string[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    requested.push(url);
    const answer = answers[url];
    if (answer === undefined)
      throw new TypeError("fetch failed", { cause: new Error("ENOTFOUND") });
    if (answer instanceof Error) throw answer;
    if (answer === "hang") {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    }
    const [status, body] = answer;
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { fetch, requested };
}

const USERINFO = "/_matrix/federation/v1/openid/userinfo?access_token=";

function verifier(network: ReturnType<typeof fakeNetwork>, now = () => 0) {
  return createOpenIdVerifier({
    ownServerName: "localhost",
    ownHomeserverUrl: "http://127.0.0.1:8008/",
    timeoutMs: 50,
    fetch: network.fetch,
    remoteFetch: network.fetch,
    now,
  });
}

describe("createOpenIdVerifier, for our own homeserver", () => {
  it("asks it at its internal URL, with the token URL-encoded", async () => {
    const network = fakeNetwork({
      [`http://127.0.0.1:8008${USERINFO}tok%2Fen%26x`]: [200, { sub: "@ana:localhost" }],
    });
    await expect(verifier(network).userInfo("localhost", "tok/en&x")).resolves.toEqual({
      kind: "user",
      sub: "@ana:localhost",
    });
    expect(network.requested).toHaveLength(1);
  });

  it("reports a token the homeserver does not know as rejected", async () => {
    const network = fakeNetwork({
      [`http://127.0.0.1:8008${USERINFO}forged`]: [
        401,
        { errcode: "M_UNKNOWN_TOKEN", error: "Access Token unknown or expired" },
      ],
    });
    await expect(verifier(network).userInfo("localhost", "forged")).resolves.toEqual({
      kind: "rejected",
      status: 401,
      errcode: "M_UNKNOWN_TOKEN",
    });
  });

  it("reports errors and odd answers as unavailable, never leaking the token", async () => {
    const network = fakeNetwork({
      [`http://127.0.0.1:8008${USERINFO}a`]: [500, { errcode: "M_UNKNOWN" }],
      [`http://127.0.0.1:8008${USERINFO}b`]: [200, { user: "@ana:localhost" }],
    });
    const check = verifier(network);
    await expect(check.userInfo("localhost", "a")).resolves.toEqual({
      kind: "unavailable",
      reason: "userinfo answered 500",
    });
    await expect(check.userInfo("localhost", "b")).resolves.toMatchObject({ kind: "unavailable" });
    const refused = await check.userInfo("localhost", "secret-token-value");
    expect(refused).toEqual({ kind: "unavailable", reason: "fetch failed: ENOTFOUND" });
    expect(JSON.stringify(refused)).not.toContain("secret-token-value");
  });

  it("gives up on a homeserver that does not answer in time", async () => {
    const network = fakeNetwork({ [`http://127.0.0.1:8008${USERINFO}t`]: "hang" });
    await expect(verifier(network).userInfo("localhost", "t")).resolves.toEqual({
      kind: "timeout",
    });
  });
});

describe("createOpenIdVerifier, for another homeserver", () => {
  it("follows its .well-known delegation", async () => {
    const network = fakeNetwork({
      "https://friends.example/.well-known/matrix/server": [
        200,
        { "m.server": "matrix.friends.example:443" },
      ],
      [`https://matrix.friends.example:443${USERINFO}t`]: [200, { sub: "@zoe:friends.example" }],
    });
    await expect(verifier(network).userInfo("friends.example", "t")).resolves.toEqual({
      kind: "user",
      sub: "@zoe:friends.example",
    });
  });

  it("uses port 8448 when the delegation names none, or there is no delegation", async () => {
    const network = fakeNetwork({
      "https://a.example/.well-known/matrix/server": [200, { "m.server": "hs.a.example" }],
      [`https://hs.a.example:8448${USERINFO}t`]: [200, { sub: "@x:a.example" }],
      "https://b.example/.well-known/matrix/server": [404, {}],
      [`https://b.example:8448${USERINFO}t`]: [200, { sub: "@y:b.example" }],
    });
    const check = verifier(network);
    await expect(check.userInfo("a.example", "t")).resolves.toMatchObject({ sub: "@x:a.example" });
    await expect(check.userInfo("b.example", "t")).resolves.toMatchObject({ sub: "@y:b.example" });
  });

  it("skips discovery for a server name with a port or an IP address", async () => {
    const network = fakeNetwork({
      [`https://c.example:8449${USERINFO}t`]: [200, { sub: "@x:c.example:8449" }],
      [`https://[2001:db8::1]:8448${USERINFO}t`]: [200, { sub: "@y:[2001:db8::1]" }],
    });
    const check = verifier(network);
    await check.userInfo("c.example:8449", "t");
    await check.userInfo("[2001:db8::1]", "t");
    expect(network.requested.some((url) => url.includes(".well-known"))).toBe(false);
  });

  it("falls back to port 8448 when .well-known is garbage", async () => {
    const network = fakeNetwork({
      "https://d.example/.well-known/matrix/server": [200, { "m.server": "evil/path?x" }],
      [`https://d.example:8448${USERINFO}t`]: [200, { sub: "@x:d.example" }],
    });
    await expect(verifier(network).userInfo("d.example", "t")).resolves.toMatchObject({
      sub: "@x:d.example",
    });
  });

  it("reuses a discovery for an hour", async () => {
    let clock = 0;
    const network = fakeNetwork({
      "https://e.example/.well-known/matrix/server": [200, { "m.server": "hs.e.example:443" }],
      [`https://hs.e.example:443${USERINFO}t`]: [200, { sub: "@x:e.example" }],
    });
    const check = verifier(network, () => clock);
    await check.userInfo("e.example", "t");
    await check.userInfo("e.example", "t");
    const lookups = () => network.requested.filter((url) => url.includes(".well-known")).length;
    expect(lookups()).toBe(1);
    clock += 60 * 60_000 + 1;
    await check.userInfo("e.example", "t");
    expect(lookups()).toBe(2);
  });
});

describe("createOpenIdVerifier's two transports", () => {
  it("asks our homeserver through its own fetch and every other one through remoteFetch", async () => {
    const own = fakeNetwork({
      [`http://127.0.0.1:8008${USERINFO}t`]: [200, { sub: "@ana:localhost" }],
    });
    const remote = fakeNetwork({
      "https://f.example/.well-known/matrix/server": [404, {}],
      [`https://f.example:8448${USERINFO}t`]: [200, { sub: "@x:f.example" }],
    });
    const check = createOpenIdVerifier({
      ownServerName: "localhost",
      ownHomeserverUrl: "http://127.0.0.1:8008",
      fetch: own.fetch,
      remoteFetch: remote.fetch,
    });
    await check.userInfo("localhost", "t");
    await check.userInfo("f.example", "t");
    expect(own.requested).toEqual([`http://127.0.0.1:8008${USERINFO}t`]);
    expect(remote.requested).toEqual([
      "https://f.example/.well-known/matrix/server",
      `https://f.example:8448${USERINFO}t`,
    ]);
  });

  it("turns the outbound policy's refusals and deadline into unavailable and timeout", async () => {
    const mute = createServer(() => {});
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    const { port } = mute.address() as AddressInfo;
    try {
      const verifierWith = (allowPrivateAddresses: boolean) =>
        createOpenIdVerifier({
          ownServerName: "localhost",
          ownHomeserverUrl: "http://127.0.0.1:8008",
          timeoutMs: 300,
          remoteFetch: createOutboundFetch({ allowPrivateAddresses, timeoutMs: 300 }),
        });
      const refused = await verifierWith(false).userInfo(`127.0.0.1:${port}`, "secret-token");
      expect(refused).toMatchObject({
        kind: "unavailable",
        reason: expect.stringMatching(/public/),
      });
      expect(JSON.stringify(refused)).not.toContain("secret-token");
      const started = performance.now();
      await expect(verifierWith(true).userInfo(`127.0.0.1:${port}`, "t")).resolves.toEqual({
        kind: "timeout",
      });
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      mute.close();
    }
  });
});
