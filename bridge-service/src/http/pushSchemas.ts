import { z } from "zod";
import { isMatrixEventId, isMatrixRoomId } from "../domain/matrixIds.js";

/** The spec's limits on a pusher (Client-Server API, POST /pushers/set). */
const PUSHKEY_MAX_LENGTH = 512;
const APP_ID_MAX_LENGTH = 64;
/** Synapse sends one device per request; a few more are fine, thousands are not. */
const MAX_DEVICES = 20;
/** Push service URLs are short; the longest seen in the wild are a few hundred characters. */
const ENDPOINT_MAX_LENGTH = 2048;

/** base64url of exactly `bytes` bytes (padding tolerated, since some browsers add it). */
const base64urlBytes = (bytes: number, what: string) =>
  z
    .string()
    .max(256)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, { error: `${what} must be base64url` })
    .transform((value) => value.replace(/=+$/, ""))
    .refine((value) => Buffer.from(value, "base64url").length === bytes, {
      error: `${what} must be ${bytes} bytes`,
    });

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const pushSubscriptionRequestSchema = z.object({
  endpoint: z
    .url({ protocol: /^https?$/, error: "endpoint must be an http(s) URL" })
    .max(ENDPOINT_MAX_LENGTH),
  keys: z.object({
    // An uncompressed P-256 point: 0x04, then x and y.
    p256dh: base64urlBytes(65, "keys.p256dh").refine(
      (value) => Buffer.from(value, "base64url")[0] === 4,
      { error: "keys.p256dh must be an uncompressed P-256 public key" },
    ),
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

const matrixIdField = (check: (value: string) => boolean, what: string) =>
  z
    .string()
    .max(255)
    .refine(check, { error: `not a Matrix ${what} id` });

/** Push Gateway API, POST /_matrix/push/v1/notify. Fields the gateway does not use are dropped. */
export const notifyRequestSchema = z.object({
  notification: z.object({
    event_id: matrixIdField(isMatrixEventId, "event").optional(),
    room_id: matrixIdField(isMatrixRoomId, "room").optional(),
    counts: z
      .object({ unread: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() })
      .optional(),
    devices: z
      .array(
        z.object({
          app_id: z.string().min(1).max(APP_ID_MAX_LENGTH),
          pushkey: z.string().min(1).max(PUSHKEY_MAX_LENGTH),
        }),
      )
      .min(1)
      .max(MAX_DEVICES),
  }),
});

export type PushSubscriptionResponseJson = z.infer<typeof pushSubscriptionResponseSchema>;
export type VapidKeyResponseJson = z.infer<typeof vapidKeyResponseSchema>;
