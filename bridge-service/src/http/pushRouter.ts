import {
  type PushSubscriptionResponseJson,
  pushSubscriptionRequestSchema,
  type VapidKeyResponseJson,
} from "@xstream/contract";
import express, { type Request, Router } from "express";
import { z } from "zod";
import { matrixUserIdOf } from "../domain/accounts.js";
import type { AuthContext } from "../domain/authContext.js";
import {
  deliverNotification,
  registerSubscription,
  unregisterSubscription,
  WEB_PUSH_APP_ID,
  type WebPushContext,
} from "../domain/webPush.js";
import { MatrixError, parseBody } from "./errors.js";
import { notifyRequestSchema } from "./pushSchemas.js";
import { requireSession, sessionOf } from "./sessionAuth.js";

export const PUSH_GATEWAY_PATH = "/_matrix/push/v1/notify";
/**
 * A notification in Synapse's `event_id_only` format is well under 1 KiB; the full format carries
 * the event's content (at most 64 KiB), which is then dropped unread.
 */
export const NOTIFY_BODY_LIMIT = "100kb";
/** A subscription is an endpoint URL and two short keys. */
export const SUBSCRIPTION_BODY_LIMIT = "8kb";

export interface PushSettings {
  context: WebPushContext;
  vapidPublicKey: string;
  /** The pusher's `data.url`: this gateway as the homeserver reaches it. */
  gatewayUrl: string;
  /** Accept `http:` push endpoints (tests' local receivers); browsers' are always https. */
  allowInsecureEndpoints: boolean;
}

const pushkeyParam = z.string().min(1).max(512);

const pushDisabled = () =>
  new MatrixError(404, "M_NOT_FOUND", "Web Push is not configured on this server.");

/**
 * The Push Gateway API endpoint Synapse calls. By the spec it has no authentication; what keeps
 * it from being a push relay for anyone is that it only sends to subscriptions registered here,
 * found by pushkeys this bridge made up. It is meant for the internal network: the edges route
 * `/_matrix` to Synapse, so it is not reachable from outside through them.
 */
export function pushGatewayRouter(push: PushSettings | undefined): Router {
  const router = Router();
  router.post(PUSH_GATEWAY_PATH, express.json({ limit: NOTIFY_BODY_LIMIT }), async (req, res) => {
    const { notification } = parseBody(notifyRequestSchema, req.body);
    if (!push) {
      // Without VAPID keys nothing can be delivered: let Synapse drop the pushers.
      res.json({ rejected: notification.devices.map((d) => d.pushkey) });
      return;
    }
    const rejected = await deliverNotification(push.context, {
      eventId: notification.event_id,
      roomId: notification.room_id,
      unread: notification.counts?.unread,
      devices: notification.devices.map((d) => ({ appId: d.app_id, pushkey: d.pushkey })),
    });
    res.json({ rejected });
  });
  return router;
}

/** /api/push: the VAPID key, and learners' browser subscriptions (behind the cookie session). */
export function pushApiRouter(auth: AuthContext, push: PushSettings | undefined): Router {
  const router = Router();
  const userOf = (res: express.Response) =>
    matrixUserIdOf(sessionOf(res).account.username, auth.settings.serverName);
  const settings = () => {
    if (!push) throw pushDisabled();
    return push;
  };

  router.get("/push/vapid-key", (_req, res) => {
    const body: VapidKeyResponseJson = { public_key: settings().vapidPublicKey };
    res.json(body);
  });

  router.post(
    "/push/subscriptions",
    requireSession(auth),
    express.json({ limit: SUBSCRIPTION_BODY_LIMIT }),
    async (req: Request, res) => {
      const push = settings();
      const body = parseBody(pushSubscriptionRequestSchema, req.body);
      if (!push.allowInsecureEndpoints && new URL(body.endpoint).protocol !== "https:") {
        throw new MatrixError(400, "M_INVALID_PARAM", "endpoint must be an https URL", {
          field: "endpoint",
        });
      }
      const saved = await registerSubscription(push.context, userOf(res), {
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
      });
      const response: PushSubscriptionResponseJson = {
        pushkey: saved.pushkey,
        app_id: WEB_PUSH_APP_ID,
        gateway_url: push.gatewayUrl,
      };
      res.status(201).json(response);
    },
  );

  router.delete("/push/subscriptions/:pushkey", requireSession(auth), async (req, res) => {
    const push = settings();
    const pushkey = pushkeyParam.parse(req.params.pushkey);
    // Idempotent: a pushkey that is gone, or someone else's, is simply not there for you.
    await unregisterSubscription(push.context, userOf(res), pushkey);
    res.json({});
  });
  return router;
}
