import { z } from "zod";
import { RTC_ID_MAX_LENGTH } from "../domain/rtcTokens.js";

// The request and response bodies of Element's lk-jwt-service (requests.go), field for field.
// These schemas check shapes and types (a wrong one is 400 M_BAD_JSON naming the field); the
// domain judges the values (room id, user id, server name: 400 M_INVALID_PARAM). Unknown fields
// are ignored, so newer clients keep working.

const id = (description: string) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(RTC_ID_MAX_LENGTH, `must be at most ${RTC_ID_MAX_LENGTH} characters`)
    .meta({ description });

export const openIdTokenSchema = z
  .object({
    access_token: z
      .string()
      .min(1, "must not be empty")
      .max(1024, "must be at most 1024 characters")
      .meta({ description: "From the homeserver's `POST /user/{userId}/openid/request_token`." }),
    token_type: z
      .string()
      .optional()
      .meta({ examples: ["Bearer"] }),
    matrix_server_name: z
      .string()
      .min(1, "must not be empty")
      .max(RTC_ID_MAX_LENGTH, `must be at most ${RTC_ID_MAX_LENGTH} characters`)
      .meta({
        description:
          "The homeserver that issued the token: this one, or one on RTC_ALLOWED_HOMESERVERS.",
        examples: ["example.org"],
      }),
    expires_in: z.number().optional(),
  })
  .meta({ title: "OpenIdToken", description: "A Matrix OpenID token, as the homeserver gave it." });

// Earlier MSC4195 drafts let clients hand their delayed leave event to the service; accepted in
// the body so such clients get the service's clear refusal rather than a schema error.
const delayedLeaveFields = {
  delay_id: z.string().optional().meta({ description: "Not supported: refused when set." }),
  delay_timeout: z.number().optional().meta({ description: "Not supported: refused when > 0." }),
  delay_cs_api_url: z.string().optional().meta({ description: "Ignored." }),
};

export const callTokenRequestSchema = z
  .object({
    room_id: id("The Matrix room id (`!…`)."),
    slot_id: id("The MatrixRTC slot, `m.call#ROOM` for the room's call."),
    openid_token: openIdTokenSchema,
    member: z
      .object({
        id: id("The MatrixRTC membership's member id."),
        claimed_user_id: id("Must be the user the OpenID token belongs to."),
        claimed_device_id: id("The device joining the call."),
      })
      .meta({ description: "The caller's MatrixRTC membership." }),
    ...delayedLeaveFields,
  })
  .meta({ title: "CallTokenRequest" });

export const legacyCallTokenRequestSchema = z
  .object({
    room: id("The Matrix room id (`!…`); the call is its `m.call#ROOM` slot."),
    openid_token: openIdTokenSchema,
    device_id: id("The device joining the call."),
    ...delayedLeaveFields,
  })
  .meta({ title: "LegacyCallTokenRequest" });

export const callTokenResponseSchema = z
  .object({
    url: z.string().meta({ description: "The LiveKit server to connect to (ws:// or wss://)." }),
    jwt: z.string().meta({
      description:
        "LiveKit access token: join, publish and subscribe in the call's LiveKit room, valid for 15 minutes.",
    }),
  })
  .meta({ title: "CallTokenResponse" });

export type CallTokenRequestJson = z.infer<typeof callTokenRequestSchema>;
export type LegacyCallTokenRequestJson = z.infer<typeof legacyCallTokenRequestSchema>;
export type CallTokenResponseJson = z.infer<typeof callTokenResponseSchema>;

/** Whether the body asks for delayed-leave delegation, as lk-jwt-service tells it. */
export function delegatesDelayedLeave(body: { delay_id?: string; delay_timeout?: number }) {
  return (body.delay_id ?? "") !== "" || (body.delay_timeout ?? 0) > 0;
}
