import { z } from "zod";

// /api/push/*: a browser's Web Push subscription, turned by the bridge into a Matrix pusher.

/** Push service URLs are short; the longest seen in the wild are a few hundred characters. */
const ENDPOINT_MAX_LENGTH = 2048;

/**
 * base64url of exactly `bytes` bytes (padding tolerated, since some browsers add it). Counted
 * from the text rather than decoded, so the same check runs in Node and in browsers: n unpadded
 * characters carry ⌊6n/8⌋ whole bytes, which is what a decoder returns.
 */
const base64urlBytes = (bytes: number, what: string) =>
  z
    .string()
    .max(256)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, { error: `${what} must be base64url` })
    .transform((value) => value.replace(/=+$/, ""))
    .refine((value) => Math.floor((value.length * 3) / 4) === bytes, {
      error: `${what} must be ${bytes} bytes`,
    });

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const pushSubscriptionRequestSchema = z.object({
  endpoint: z
    .url({ protocol: /^https?$/, error: "endpoint must be an http(s) URL" })
    .max(ENDPOINT_MAX_LENGTH),
  keys: z.object({
    // An uncompressed P-256 point: 0x04, then x and y. Its first byte is 4 exactly when the
    // text starts with "B" (000001) followed by one of A–P (00xxxx).
    p256dh: base64urlBytes(65, "keys.p256dh").refine((value) => /^B[A-P]/.test(value), {
      error: "keys.p256dh must be an uncompressed P-256 public key",
    }),
    auth: base64urlBytes(16, "keys.auth"),
  }),
});

export const pushSubscriptionResponseSchema = z.object({
  pushkey: z.string().describe("Opaque; the pusher's `pushkey`."),
  app_id: z.string().describe("The pusher's `app_id`."),
  gateway_url: z
    .string()
    .describe("The pusher's `data.url`: the push gateway as Synapse reaches it."),
});

export const vapidKeyResponseSchema = z.object({
  public_key: z
    .string()
    .describe(
      "The VAPID public key (base64url), `applicationServerKey` for pushManager.subscribe.",
    ),
});

export type PushSubscriptionRequest = z.input<typeof pushSubscriptionRequestSchema>;
export type PushSubscriptionResponseJson = z.infer<typeof pushSubscriptionResponseSchema>;
export type VapidKeyResponseJson = z.infer<typeof vapidKeyResponseSchema>;
