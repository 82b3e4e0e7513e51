// Delivers push messages with the `web-push` library's encryption (RFC 8291, aes128gcm) and VAPID
// signature (RFC 8292), sent through the bridge's outbound HTTP policy: a push endpoint is a URL a
// browser handed us, so the request gets the same deadline, body cap, no redirects and public
// addresses only (unless the operator allows private ones) as requests to other homeservers.
import webPush from "web-push";
import type {
  PushMessage,
  PushOutcome,
  PushSender,
  WebPushSubscription,
} from "../domain/webPush.js";
import type { FetchLike } from "../matrix/outboundHttp.js";

export interface VapidKeys {
  /** Uncompressed P-256 public key, base64url (what browsers take as applicationServerKey). */
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use to reach the operator. */
  subject: string;
}

/** How long a push service keeps a message for an offline browser: a day-old ping is stale. */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;

export function createWebPushSender(options: { vapid: VapidKeys; fetch: FetchLike }): PushSender {
  const { vapid, fetch } = options;
  return {
    async send(subscription: WebPushSubscription, message: PushMessage): Promise<PushOutcome> {
      try {
        const request = webPush.generateRequestDetails(
          {
            endpoint: subscription.endpoint,
            keys: { p256dh: subscription.p256dh, auth: subscription.auth },
          },
          JSON.stringify(message),
          {
            vapidDetails: vapid,
            TTL: PUSH_TTL_SECONDS,
            contentEncoding: "aes128gcm",
            // A message from a partner should wake a phone; these are never bulk.
            urgency: "high",
          },
        );
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
        const response = await fetch(request.endpoint, {
          method: "POST",
          headers,
          body: request.body,
        });
        if (response.status === 404 || response.status === 410) return "gone";
        return response.ok ? "delivered" : "failed";
      } catch {
        return "failed";
      }
    },
  };
}
