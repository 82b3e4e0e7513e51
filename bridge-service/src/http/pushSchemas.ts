import { z } from "zod";
import { isMatrixEventId, isMatrixRoomId } from "../domain/matrixIds.js";

/** The spec's limits on a pusher (Client-Server API, POST /pushers/set). */
const PUSHKEY_MAX_LENGTH = 512;
const APP_ID_MAX_LENGTH = 64;
/** Synapse sends one device per request; a few more are fine, thousands are not. */
const MAX_DEVICES = 20;

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
