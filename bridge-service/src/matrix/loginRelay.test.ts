import { describe, expect, it } from "vitest";
import { createLoginRelay } from "./loginRelay.js";

describe("createLoginRelay", () => {
  it("sends the request to the homeserver and returns status, end-to-end headers and body", async () => {
    let seen: { url: string; init: RequestInit | undefined } | undefined;
    const relay = createLoginRelay({
      homeserverUrl: "http://synapse.test/",
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        seen = { url: String(input), init };
        return new Response('{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2000}', {
          status: 429,
          headers: {
            "content-type": "application/json",
            "retry-after": "2",
            "access-control-allow-origin": "*",
            connection: "keep-alive",
            "keep-alive": "timeout=5",
          },
        });
      }) as typeof globalThis.fetch,
    });
    const body = Buffer.from('{"type":"m.login.password"}');
    const response = await relay({
      method: "POST",
      path: "/_matrix/client/v3/login?x=1",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.5" },
      body,
    });
    expect(seen?.url).toBe("http://synapse.test/_matrix/client/v3/login?x=1");
    expect(seen?.init?.method).toBe("POST");
    expect(Buffer.from(seen?.init?.body as Uint8Array).toString()).toBe(body.toString());
    expect(seen?.init?.headers).toEqual({
      "content-type": "application/json",
      "x-forwarded-for": "203.0.113.5",
    });
    expect(response.status).toBe(429);
    expect(response.body.toString()).toBe('{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2000}');
    expect(Object.fromEntries(response.headers)).toEqual({
      "content-type": "application/json",
      "retry-after": "2",
      "access-control-allow-origin": "*",
    });
  });
});
