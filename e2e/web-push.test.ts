// Web Push while the browser is closed, end to end on the real stack: a learner registers a push
// subscription with the bridge and sets a Matrix HTTP pusher through Synapse's client-server API;
// a partner's message makes Synapse call the bridge's push gateway, which encrypts and sends a
// Web Push message to the subscription's endpoint: here a local receiver that decrypts it with
// the subscription's private key, since browsers' push services are out of reach. A receiver
// answering 410 (unsubscribed) makes the gateway reject the pushkey and Synapse drop the pusher.
//
// The bridge under test is a second one on the stack's database and secrets (so the same VAPID
// keys and sessions) that may reach loopback addresses: the receiver lives on 127.0.0.1, which
// the stack's own bridge rightly refuses to push to.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withExtraBridge } from "./extra-bridge.ts";
import { createSharedRoom, type Learner, signUpLearner } from "./learners.ts";
import { eventually, matrixRequest, sendEvent } from "./matrix.ts";
import { type PushReceiver, startPushReceiver } from "./push-receiver.ts";

const stack = inject("stack");

let receiver: PushReceiver;
beforeAll(async () => {
  receiver = await startPushReceiver();
});
afterAll(async () => {
  await receiver.close();
});

interface Pusher {
  pushkey: string;
  app_id: string;
  kind: string;
  data: { url?: string; format?: string };
}

const pushersOf = async (learner: Learner) =>
  (
    await matrixRequest<{ pushers: Pusher[] }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/pushers",
      {
        token: learner.matrix.accessToken,
      },
    )
  ).pushers;

const sendText = (from: Learner, roomId: string, body: string): Promise<string> =>
  sendEvent(stack.publicUrl, from.matrix.accessToken, roomId, { msgtype: "m.text", body });

describe("Web Push through the bridge's push gateway, driven by Synapse", () => {
  it("delivers a partner's message as an encrypted push of ids only, and drops a dead subscription", async () => {
    await withExtraBridge(stack, { OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true" }, async (bridge) => {
      const tom = await signUpLearner(stack, "Tom Pushed");
      const lucia = await signUpLearner(stack, "Lucia Sender");
      const roomId = await createSharedRoom(stack, lucia, [tom]);

      // What the web client does: the VAPID key, the subscription, then the pusher.
      const vapid = await fetch(`${bridge.url}/api/push/vapid-key`).then((r) => r.json());
      expect(vapid.public_key).toMatch(/^B[A-Za-z0-9_-]{86}$/);
      const registered = await fetch(`${bridge.url}/api/push/subscriptions`, {
        method: "POST",
        headers: {
          origin: stack.publicUrl,
          cookie: tom.session.cookieHeader(),
          "content-type": "application/json",
        },
        body: JSON.stringify(receiver.subscription),
      });
      expect(registered.status).toBe(201);
      const { pushkey, app_id, gateway_url } = await registered.json();
      expect(gateway_url).toBe(`${bridge.url}/_matrix/push/v1/notify`);
      await matrixRequest(stack.publicUrl, "POST", "/_matrix/client/v3/pushers/set", {
        token: tom.matrix.accessToken,
        body: {
          kind: "http",
          app_id,
          pushkey,
          app_display_name: "Xstream",
          device_display_name: "test browser",
          lang: "en",
          data: { url: gateway_url, format: "event_id_only" },
        },
      });
      expect(await pushersOf(tom)).toEqual([
        expect.objectContaining({ pushkey, app_id: "org.xstream.web", kind: "http" }),
      ]);

      const sentAt = performance.now();
      const eventId = await sendText(lucia, roomId, "¿Hablamos mañana a las seis?");
      const push = await receiver.nextPush(0, 30_000);
      const latencyMs = Math.round(push.receivedAt - sentAt);
      console.info(`Web Push: partner's send to push receipt ${latencyMs} ms`);

      expect(push.message).toEqual({ event_id: eventId, room_id: roomId, unread: 1 });
      expect(JSON.stringify(push.message)).not.toContain("Hablamos");
      expect(push.headers["content-encoding"]).toBe("aes128gcm");
      // Signed with the stack's VAPID key, the one browsers subscribed with.
      expect(push.headers.authorization).toContain(`k=${vapid.public_key}`);
      expect(latencyMs).toBeLessThan(15_000);

      // The learner unsubscribed in the browser: the push service answers 410 from now on.
      receiver.answerWith(410);
      await sendText(lucia, roomId, "¿Sigues ahí?");
      await receiver.nextPush(1, 30_000);
      await eventually(
        async () => ((await pushersOf(tom)).length === 0 ? true : undefined),
        "Synapse to drop the rejected pusher",
        15_000,
      );
      // And the bridge forgot the subscription: the pushkey is now a stranger's.
      const again = await fetch(gateway_url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          notification: { event_id: eventId, devices: [{ app_id, pushkey }] },
        }),
      }).then((r) => r.json());
      expect(again).toEqual({ rejected: [pushkey] });
      expect(receiver.received).toHaveLength(2);
    });
  });

  it("keeps the push gateway off the public edge, and the stack's bridge off loopback endpoints", async () => {
    const viaEdge = await fetch(`${stack.publicUrl}/_matrix/push/v1/notify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ notification: { devices: [{ app_id: "a", pushkey: "k" }] } }),
    });
    const body = await viaEdge.json();
    expect(body.rejected).toBeUndefined();
    expect(viaEdge.status).toBeGreaterThanOrEqual(400);

    const learner = await signUpLearner(stack, "Ana Private");
    const refused = await learner.session.request("POST", "/api/push/subscriptions", {
      ...receiver.subscription,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errcode: "M_INVALID_PARAM", field: "endpoint" });
  });
});
