import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TokenVerifier } from "livekit-server-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { LiveKitUnavailable } from "../domain/liveKit.js";
import { callGrant } from "../domain/rtcTokens.js";
import { createLiveKitServer } from "./liveKitServer.js";

const API_KEY = "APItest";
const API_SECRET = "livekit-secret-0123456789abcdef0123456789";

interface Received {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A stand-in for LiveKit's Twirp server API on a loopback port; returns its ws:// URL. */
async function fakeLiveKit(
  answer: (received: Received, res: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on("end", () => {
      const entry = {
        path: req.url ?? "",
        authorization: req.headers.authorization,
        body: JSON.parse(text || "{}") as Record<string, unknown>,
      };
      received.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, received };
}

describe("createLiveKitServer", () => {
  it("creates a room over the server API with a token allowed to create rooms", async () => {
    const livekit = await fakeLiveKit((_received, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: "RM_1", name: "room-x" }));
    });
    const liveKit = createLiveKitServer({
      url: livekit.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    await liveKit.ensureRoom({
      name: "room-x",
      emptyTimeoutSeconds: 300,
      departureTimeoutSeconds: 20,
    });

    const [call] = livekit.received;
    expect(call?.path).toBe("/twirp/livekit.RoomService/CreateRoom");
    expect(call?.body).toMatchObject({ name: "room-x", emptyTimeout: 300, departureTimeout: 20 });
    const bearer = call?.authorization?.replace(/^Bearer /, "") ?? "";
    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(bearer);
    expect(claims.video?.roomCreate).toBe(true);
    expect(liveKit.url).toBe(livekit.url);
  });

  it("reports a failing server as unavailable", async () => {
    const livekit = await fakeLiveKit((_received, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "unauthenticated", msg: "invalid token" }));
    });
    const liveKit = createLiveKitServer({
      url: livekit.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    const error = await liveKit
      .ensureRoom({ name: "r", emptyTimeoutSeconds: 300, departureTimeoutSeconds: 20 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LiveKitUnavailable);
    expect(error).toMatchObject({ timedOut: false });
  });

  it("gives up on a server that does not answer in time", async () => {
    // Never answers; the socket is closed by afterEach.
    const livekit = await fakeLiveKit(() => {});
    const liveKit = createLiveKitServer({
      url: livekit.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 1_000,
    });
    const started = Date.now();
    const error = await liveKit
      .ensureRoom({ name: "r", emptyTimeoutSeconds: 300, departureTimeoutSeconds: 20 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "LiveKitUnavailable", timedOut: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("signs join tokens with the API key, for one identity and exactly the call grant", async () => {
    const liveKit = createLiveKitServer({
      url: "ws://127.0.0.1:1",
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    const jwt = await liveKit.mintJoinToken({
      identity: "identity-1",
      grant: callGrant("room-x"),
      ttlSeconds: 900,
    });
    const claims = (await new TokenVerifier(API_KEY, API_SECRET).verify(jwt)) as {
      sub?: string;
      iss?: string;
      exp?: number;
      nbf?: number;
      name?: string;
      video?: unknown;
    };
    expect(claims.sub).toBe("identity-1");
    expect(claims.iss).toBe(API_KEY);
    expect(claims.video).toEqual(callGrant("room-x"));
    expect(claims.name).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(900);
    await expect(new TokenVerifier(API_KEY, `${API_SECRET}x`).verify(jwt)).rejects.toThrow();
  });
});
