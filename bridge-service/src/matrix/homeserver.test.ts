import { describe, expect, it } from "vitest";
import { createHomeserverClient, HomeserverError } from "./homeserver.js";

const AS_TOKEN = "as-token-0123456789abcdef0123456789abcdef";

function clientAnswering(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  };
  const client = createHomeserverClient({
    homeserverUrl: "http://127.0.0.1:8008/",
    asToken: AS_TOKEN,
    appserviceId: "xstream",
    fetch,
  });
  return { client, calls };
}

describe("createHomeserverClient", () => {
  it("joins rooms as the appservice", async () => {
    const { client, calls } = clientAnswering(200, { room_id: "!dm:localhost" });
    await expect(client.joinRoom("!dm:localhost")).resolves.toEqual({ roomId: "!dm:localhost" });
    expect(calls[0]?.url).toBe("http://127.0.0.1:8008/_matrix/client/v3/join/!dm%3Alocalhost");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(new Headers(calls[0]?.init?.headers).get("authorization")).toBe(`Bearer ${AS_TOKEN}`);
  });

  it("asks the homeserver to ping the appservice", async () => {
    const { client, calls } = clientAnswering(200, { duration_ms: 12 });
    await expect(client.pingHomeserver("t1")).resolves.toEqual({ durationMs: 12 });
    expect(calls[0]?.url).toBe("http://127.0.0.1:8008/_matrix/client/v1/appservice/xstream/ping");
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ transaction_id: "t1" }));
  });

  it("turns Matrix errors into HomeserverError without leaking the token", async () => {
    const { client } = clientAnswering(403, { errcode: "M_FORBIDDEN", error: "not invited" });
    const error = await client.joinRoom("!dm:localhost").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomeserverError);
    expect(error).toMatchObject({ status: 403, errcode: "M_FORBIDDEN" });
    expect(String(error)).not.toContain(AS_TOKEN);
  });
});
