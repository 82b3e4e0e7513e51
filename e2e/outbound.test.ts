// The call token service asks other homeservers who an OpenID token belongs to. Those requests
// obey the outbound policy: a homeserver on a private or loopback address is not contacted
// unless the operator allows it, and one that never answers costs at most 5 s (504).
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withExtraBridge } from "./extra-bridge.ts";

const stack = inject("stack");

/** A TCP server that accepts connections and never says a word (not even a TLS hello). */
let mute: Server;
let port = 0;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  mute = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
  port = (mute.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => mute.close(resolve));
});

/** A /get_token request whose OpenID token claims to come from the mute "homeserver". */
function askForToken(bridgeUrl: string) {
  const serverName = `127.0.0.1:${port}`;
  return fetch(`${bridgeUrl}/get_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      room_id: "!Hn9Qs5YkQsfvGXfNcqxbUWzAhJwSzhmaQDBeEYFa-_Q",
      slot_id: "m.call#ROOM",
      openid_token: {
        access_token: randomBytes(18).toString("base64url"),
        token_type: "Bearer",
        matrix_server_name: serverName,
        expires_in: 3600,
      },
      member: { id: "m1", claimed_user_id: `@x:${serverName}`, claimed_device_id: "XDEVICE" },
    }),
  });
}

describe("requests to other homeservers", () => {
  it("never reach a loopback homeserver by default, even a listed one (502 at once)", async () => {
    await withExtraBridge(
      stack,
      { RTC_ALLOWED_HOMESERVERS: `127.0.0.1:${port}` },
      async (bridge) => {
        const before = connections;
        const started = performance.now();
        const response = await askForToken(bridge.url);
        // "At once" means without waiting for the 5 s outbound timeout (and, below, without
        // connecting): this is the fresh bridge's first request, which a loaded machine can
        // stretch past a couple of seconds.
        expect(performance.now() - started).toBeLessThan(4_500);
        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({
          errcode: expect.any(String),
          error: expect.any(String),
        });
        expect(connections).toBe(before);
      },
    );
  });

  it("reach it when the operator allows private addresses, and give up after 5 s (504)", async () => {
    await withExtraBridge(
      stack,
      { RTC_ALLOWED_HOMESERVERS: `127.0.0.1:${port}`, OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true" },
      async (bridge) => {
        const before = connections;
        const started = performance.now();
        const response = await askForToken(bridge.url);
        const elapsed = performance.now() - started;
        expect(response.status).toBe(504);
        expect(await response.json()).toMatchObject({ errcode: expect.any(String) });
        expect(elapsed).toBeGreaterThanOrEqual(4_900);
        expect(elapsed).toBeLessThan(8_000);
        expect(connections).toBe(before + 1);
      },
    );
  });
});
