// Web Push for learners whose browser is closed: the browser's push subscription is registered
// here under an opaque pushkey, the learner's client sets that pushkey on a Matrix HTTP pusher,
// and Synapse's notifications come back through the push gateway, which sends each to the one
// subscription the pushkey names. Only ids and a count leave the server, never message text.
import { randomBytes } from "node:crypto";

/** The Matrix pusher `app_id` of Xstream's web client; other app ids are not ours to serve. */
export const WEB_PUSH_APP_ID = "org.xstream.web";
/** A learner's browsers and profiles; the oldest subscription goes when one more registers. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;

/** A browser's PushSubscription (endpoint and its two keys, base64url) as the bridge keeps it. */
export interface WebPushSubscription {
  pushkey: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
}

/** Storage of subscriptions: the domain's port, PostgreSQL behind it in production. */
export interface PushSubscriptionStore {
  /**
   * Saves the subscription, or returns the one already saved for this user and endpoint (the
   * browser re-registering after a reload keeps its pushkey), and deletes the user's oldest
   * beyond `maxPerUser`.
   */
  save(subscription: WebPushSubscription, maxPerUser: number): Promise<WebPushSubscription>;
  find(pushkey: string): Promise<WebPushSubscription | undefined>;
  /** Deletes it; with `userId`, only if it is that user's. True if a row went. */
  remove(pushkey: string, userId?: string): Promise<boolean>;
}

/** What a push service said about one delivery. */
export type PushOutcome =
  | "delivered"
  /** 404 or 410: the subscription has expired or was unsubscribed, for good. */
  | "gone"
  /** Anything else (timeout, 5xx, 429, refused address): worth trying again next time. */
  | "failed";

/** What a push message carries to the service worker: ids and a count, never content. */
export interface PushMessage {
  event_id?: string;
  room_id?: string;
  /** Unread notifications for the learner, as Synapse counted them. */
  unread?: number;
}

export interface PushSender {
  send(subscription: WebPushSubscription, message: PushMessage): Promise<PushOutcome>;
}

export interface WebPushContext {
  subscriptions: PushSubscriptionStore;
  sender: PushSender;
  now: () => Date;
  logger: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
}

/** A Matrix notification as the gateway accepted it (already validated). */
export interface GatewayNotification {
  eventId?: string;
  roomId?: string;
  unread?: number;
  devices: readonly { appId: string; pushkey: string }[];
}

export async function registerSubscription(
  ctx: WebPushContext,
  userId: string,
  browser: { endpoint: string; p256dh: string; auth: string },
): Promise<WebPushSubscription> {
  return ctx.subscriptions.save(
    {
      pushkey: randomBytes(32).toString("base64url"),
      userId,
      ...browser,
      createdAt: ctx.now(),
    },
    MAX_SUBSCRIPTIONS_PER_USER,
  );
}

export function unregisterSubscription(
  ctx: WebPushContext,
  userId: string,
  pushkey: string,
): Promise<boolean> {
  return ctx.subscriptions.remove(pushkey, userId);
}

/**
 * Sends the notification to each device's subscription; answers the pushkeys Synapse should
 * forget: those this bridge never issued (or has since removed) and those whose push service
 * said the subscription is gone (which are deleted here too). A failed delivery is not a
 * rejection: the subscription may work next time.
 */
export async function deliverNotification(
  ctx: WebPushContext,
  notification: GatewayNotification,
): Promise<string[]> {
  const message: PushMessage = {
    event_id: notification.eventId,
    room_id: notification.roomId,
    unread: notification.unread,
  };
  const outcomes = await Promise.all(
    notification.devices.map(async (device) => {
      if (device.appId !== WEB_PUSH_APP_ID) return { pushkey: device.pushkey, rejected: true };
      const subscription = await ctx.subscriptions.find(device.pushkey);
      if (!subscription) return { pushkey: device.pushkey, rejected: true };
      const outcome = await ctx.sender.send(subscription, message);
      if (outcome === "gone") {
        await ctx.subscriptions.remove(subscription.pushkey);
        ctx.logger.info(
          { userId: subscription.userId },
          "push subscription gone at its push service; removed",
        );
        return { pushkey: device.pushkey, rejected: true };
      }
      if (outcome === "failed") {
        ctx.logger.warn({ userId: subscription.userId }, "push delivery failed");
      }
      return { pushkey: device.pushkey, rejected: false };
    }),
  );
  return [...new Set(outcomes.filter((o) => o.rejected).map((o) => o.pushkey))];
}
