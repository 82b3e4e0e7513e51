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

  it("sends messages as the bot with the caller's transaction id", async () => {
    const { client, calls } = clientAnswering(200, { event_id: "$e1" });
    const content = { msgtype: "m.notice", body: "hi" };
    await expect(
      client.sendMessage("!dm:localhost", content, "xstream-reply-$a/b"),
    ).resolves.toEqual({ eventId: "$e1" });
    expect(calls[0]?.url).toBe(
      "http://127.0.0.1:8008/_matrix/client/v3/rooms/!dm%3Alocalhost/send/m.room.message/xstream-reply-%24a%2Fb",
    );
    expect(calls[0]?.init?.method).toBe("PUT");
    expect(calls[0]?.init?.body).toBe(JSON.stringify(content));
    expect(new Headers(calls[0]?.init?.headers).get("authorization")).toBe(`Bearer ${AS_TOKEN}`);
  });

  it("names the bot through its own profile", async () => {
    const { client, calls } = clientAnswering(200, {});
    await client.setBotDisplayName("@xstream:localhost", "Xstream");
    expect(calls[0]?.url).toBe(
      "http://127.0.0.1:8008/_matrix/client/v3/profile/%40xstream%3Alocalhost/displayname",
    );
    expect(calls[0]?.init?.method).toBe("PUT");
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ displayname: "Xstream" }));
  });

  it("creates rooms and resolves with their id", async () => {
    const { client, calls } = clientAnswering(200, { room_id: "!new:localhost" });
    const body = { preset: "private_chat" as const, is_direct: true, invite: ["@a:localhost"] };
    await expect(client.createRoom(body)).resolves.toBe("!new:localhost");
    expect(calls[0]?.url).toBe("http://127.0.0.1:8008/_matrix/client/v3/createRoom");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(calls[0]?.init?.body).toBe(JSON.stringify(body));
  });

  it("rejects a created room without an id", async () => {
    const { client } = clientAnswering(200, {});
    await expect(client.createRoom({})).rejects.toThrow(/no room_id/);
  });

  it("reads display names, local or remote, without a request body", async () => {
    const { client, calls } = clientAnswering(200, { displayname: "Ana" });
    await expect(client.displayNameOf("@ana:other.example")).resolves.toBe("Ana");
    expect(calls[0]?.url).toBe(
      "http://127.0.0.1:8008/_matrix/client/v3/profile/%40ana%3Aother.example/displayname",
    );
    expect(calls[0]?.init?.method).toBe("GET");
    expect(calls[0]?.init?.body).toBeUndefined();
  });

  it("has no display name for unknown users or users without one", async () => {
    await expect(
      clientAnswering(404, { errcode: "M_NOT_FOUND" }).client.displayNameOf("@x:localhost"),
    ).resolves.toBeUndefined();
    await expect(clientAnswering(200, {}).client.displayNameOf("@x:localhost")).resolves.toBe(
      undefined,
    );
    await expect(
      clientAnswering(502, { errcode: "M_UNKNOWN" }).client.displayNameOf("@x:remote.example"),
    ).rejects.toBeInstanceOf(HomeserverError);
  });

  it("reads the default room version from the capabilities", async () => {
    const { client, calls } = clientAnswering(200, {
      capabilities: { "m.room_versions": { default: "12", available: { "12": "stable" } } },
    });
    await expect(client.defaultRoomVersion()).resolves.toBe("12");
    expect(calls[0]?.url).toBe("http://127.0.0.1:8008/_matrix/client/v3/capabilities");
    await expect(
      clientAnswering(200, { capabilities: {} }).client.defaultRoomVersion(),
    ).resolves.toBe("1");
  });
});
