import { describe, expect, it } from "vitest";
import { createSynapseRequest, HomeserverError } from "./synapseRequest.js";

function requestAnswering(response: () => Response) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return response();
  };
  const request = createSynapseRequest({
    homeserverUrl: "http://synapse.test//",
    timeoutMs: 1_000,
    fetch,
  });
  return { request, calls };
}

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("createSynapseRequest", () => {
  it("sends a body as JSON and a token as a bearer token", async () => {
    const { request, calls } = requestAnswering(json(200, { ok: 1 }));
    await expect(request("POST", "/x", { body: { a: 1 }, token: "tok" })).resolves.toEqual({
      ok: 1,
    });
    expect(calls[0]?.url).toBe("http://synapse.test/x");
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("authorization")).toBe("Bearer tok");
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ a: 1 }));
  });

  it("sends neither body nor headers when given none", async () => {
    const { request, calls } = requestAnswering(json(200, {}));
    await request("GET", "/nonce");
    expect(calls[0]?.init?.body).toBeUndefined();
    expect([...new Headers(calls[0]?.init?.headers).keys()]).toEqual([]);
  });

  it("resolves to {} when the answer is not a JSON object", async () => {
    const { request } = requestAnswering(() => new Response("not json", { status: 200 }));
    await expect(request("GET", "/x")).resolves.toEqual({});
  });

  it("turns a Matrix error into a HomeserverError without the query or the token", async () => {
    const { request } = requestAnswering(
      json(403, { errcode: "M_FORBIDDEN", error: "You are not a server admin" }),
    );
    const error = await request("GET", "/admin?user=secret", { token: "tok" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HomeserverError);
    expect(error).toMatchObject({
      name: "HomeserverError",
      status: 403,
      errcode: "M_FORBIDDEN",
      message: "GET /admin failed: 403 M_FORBIDDEN You are not a server admin",
    });
    expect(String(error)).not.toContain("tok");
  });

  it("falls back to the status text when the error has no Matrix body", async () => {
    const { request } = requestAnswering(
      () => new Response("", { status: 502, statusText: "Bad Gateway" }),
    );
    await expect(request("POST", "/x", { body: {} })).rejects.toMatchObject({
      status: 502,
      errcode: undefined,
      message: "POST /x failed: 502 Bad Gateway",
    });
  });
});
