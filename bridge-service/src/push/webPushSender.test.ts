import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import webPush from "web-push";
import type { WebPushSubscription } from "../domain/webPush.js";
import type { FetchLike } from "../matrix/outboundHttp.js";
import { createWebPushSender, PUSH_TTL_SECONDS } from "./webPushSender.js";

const vapid = { ...webPush.generateVAPIDKeys(), subject: "mailto:ops@example.org" };

function browserSubscription(endpoint: string): WebPushSubscription {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    pushkey: "k",
    userId: "@ana:localhost",
    endpoint,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
    createdAt: new Date(),
  };
}

function recordingFetch(answer: () => Promise<Response>) {
  const calls: { url: string; init: Parameters<FetchLike>[1] }[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, init });
    return answer();
  };
  return { fetch, calls };
}

describe("createWebPushSender", () => {
  it("POSTs an aes128gcm-encrypted, VAPID-signed message to the endpoint", async () => {
    const { fetch, calls } = recordingFetch(async () => new Response(null, { status: 201 }));
    const sender = createWebPushSender({ vapid, fetch });
    const outcome = await sender.send(browserSubscription("https://push.example.org/s/1"), {
      event_id: "$e:localhost",
      room_id: "!r:localhost",
    });
    expect(outcome).toBe("delivered");
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("https://push.example.org/s/1");
    expect(call?.init?.method).toBe("POST");
    const headers = call?.init?.headers ?? {};
    expect(headers["Content-Encoding"]).toBe("aes128gcm");
    expect(headers.TTL).toBe(String(PUSH_TTL_SECONDS));
    expect(headers.Urgency).toBe("high");
    expect(headers.Authorization).toMatch(/^vapid t=.+, k=/);
    expect(headers.Authorization).toContain(vapid.publicKey);
    expect(call?.init?.body?.toString("latin1")).not.toContain("$e:localhost");
  });

  it.each([
    [404, "gone"],
    [410, "gone"],
    [413, "failed"],
    [429, "failed"],
    [500, "failed"],
  ] as const)("reads a %i answer as %s", async (status, outcome) => {
    const { fetch } = recordingFetch(async () => new Response(null, { status }));
    const sender = createWebPushSender({ vapid, fetch });
    expect(await sender.send(browserSubscription("https://p.example/x"), {})).toBe(outcome);
  });

  it("reads a refused or timed-out request as a failure, not as gone", async () => {
    const { fetch } = recordingFetch(() => Promise.reject(new Error("not a public address")));
    const sender = createWebPushSender({ vapid, fetch });
    expect(await sender.send(browserSubscription("https://p.example/x"), {})).toBe("failed");
  });
});
