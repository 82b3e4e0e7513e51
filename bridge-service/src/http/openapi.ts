import {
  blocksResponseSchema,
  emailSettingsRequestSchema,
  emailSettingsResponseSchema,
  emptyResponseSchema,
  errorResponseSchema,
  languagesResponseSchema,
  loginRequestSchema,
  loginResponseSchema,
  matrixTokenResponseSchema,
  partnerResponseSchema,
  partnersResponseSchema,
  partnerVisibilityInputSchema,
  partnerVisibilityResponseSchema,
  passwordChangeRequestSchema,
  profileInputSchema,
  profileResponseSchema,
  pushSubscriptionRequestSchema,
  pushSubscriptionResponseSchema,
  reportRequestSchema,
  reportResponseSchema,
  reportsResponseSchema,
  requestResponseSchema,
  requestsResponseSchema,
  signupRequestSchema,
  suggestionsResponseSchema,
  USER_ID_OUTLINE,
  userResponseSchema,
  userSchema,
  userTargetSchema,
  vapidKeyResponseSchema,
  widgetExchangeInputSchema,
  widgetExchangeResponseSchema,
} from "@xstream/contract";
import { Router } from "express";
import { z } from "zod";
import { MATRIX_ID_MAX_BYTES } from "../domain/matrixIds.js";
import { notifyRequestSchema } from "./pushSchemas.js";
import {
  callTokenRequestSchema,
  callTokenResponseSchema,
  legacyCallTokenRequestSchema,
  openIdTokenSchema,
} from "./rtcSchemas.js";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./sessionCookies.js";

type JsonObject = Record<string, unknown>;
type OpenApiDocument = JsonObject & { paths: Record<string, JsonObject> };

/** Named schemas, emitted once under components.schemas and referenced by $ref. */
const COMPONENTS: Record<string, z.ZodType> = {
  SignupRequest: signupRequestSchema,
  LoginRequest: loginRequestSchema,
  PasswordChangeRequest: passwordChangeRequestSchema,
  User: userSchema,
  UserResponse: userResponseSchema,
  LoginResponse: loginResponseSchema,
  MatrixTokenResponse: matrixTokenResponseSchema,
  Empty: emptyResponseSchema,
  Error: errorResponseSchema,
  LanguagesResponse: languagesResponseSchema,
  ProfileInput: profileInputSchema,
  ProfileResponse: profileResponseSchema,
  SuggestionsResponse: suggestionsResponseSchema,
  PartnerVisibilityInput: partnerVisibilityInputSchema,
  PartnerVisibilityResponse: partnerVisibilityResponseSchema,
  UserTarget: userTargetSchema,
  PartnerRequestResponse: requestResponseSchema,
  PartnerRequestsResponse: requestsResponseSchema,
  PartnerResponse: partnerResponseSchema,
  PartnersResponse: partnersResponseSchema,
  BlocksResponse: blocksResponseSchema,
  ReportRequest: reportRequestSchema,
  ReportResponse: reportResponseSchema,
  ReportsResponse: reportsResponseSchema,
  OpenIdToken: openIdTokenSchema,
  CallTokenRequest: callTokenRequestSchema,
  LegacyCallTokenRequest: legacyCallTokenRequestSchema,
  CallTokenResponse: callTokenResponseSchema,
  VapidKeyResponse: vapidKeyResponseSchema,
  PushSubscriptionRequest: pushSubscriptionRequestSchema,
  PushSubscriptionResponse: pushSubscriptionResponseSchema,
  PushNotifyRequest: notifyRequestSchema,
  EmailSettingsResponse: emailSettingsResponseSchema,
  EmailSettingsRequest: emailSettingsRequestSchema,
  WidgetExchangeInput: widgetExchangeInputSchema,
  WidgetExchangeResponse: widgetExchangeResponseSchema,
};

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) for every component, cross-referenced by $ref. */
function componentSchemas(): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  // "input": requests are described as clients send them (unknown fields are ignored, so no
  // additionalProperties: false), and responses have no transforms that would differ.
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

const ref = (name: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof COMPONENTS) => ({
  content: { "application/json": { schema: ref(name) } },
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input: M_NOT_JSON, M_BAD_JSON (wrong shape or type), M_INVALID_PARAM (a value the rules refuse: unknown language code, CEFR level, time zone, too many items, not a match), M_INVALID_USERNAME, M_EXCLUSIVE or M_WEAK_PASSWORD, naming the `field`.",
  401: "M_MISSING_TOKEN (no session cookie) or M_UNKNOWN_TOKEN (expired, invalid or revoked).",
  403: "M_FORBIDDEN: cross-site request (Origin not allowed), wrong credentials, or missing role.",
  404: "M_NOT_FOUND: no profile yet, no open request with this id for you, or Web Push not configured.",
  409: "M_USER_IN_USE (username taken), ORG.XSTREAM.ALREADY_CONNECTED, ORG.XSTREAM.REQUEST_EXISTS or ORG.XSTREAM.UNAVAILABLE (the learner takes no requests now).",
  413: "M_TOO_LARGE: request body over the route's limit (16 KiB for auth, 1 MiB otherwise).",
  429: "M_LIMIT_EXCEEDED, with a Retry-After header (seconds) and `retry_after_ms`.",
};

function errors(...statuses: number[]): JsonObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status],
        ...json("Error"),
        ...(status === 429
          ? { headers: { "Retry-After": { schema: { type: "integer", minimum: 1 } } } }
          : {}),
      },
    ]),
  );
}

const setsCookies = {
  "Set-Cookie": {
    description: `${ACCESS_COOKIE} (access JWT, Path=/api, 15 min) and ${REFRESH_COOKIE} (refresh token, Path=/api/auth, 30 days); both HttpOnly, SameSite=Strict.`,
    schema: { type: "string" },
  },
};

const cookieSession = [{ accessCookie: [] }];
const refreshCookie = [{ refreshCookie: [] }];

function operation(spec: {
  summary: string;
  description?: string;
  request?: keyof typeof COMPONENTS;
  ok: [status: number, schema: keyof typeof COMPONENTS, description: string];
  cookies?: boolean;
  security?: JsonObject[];
  errors: number[];
}): JsonObject {
  const [status, schema, description] = spec.ok;
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.security ? { security: spec.security } : { security: [] }),
    ...(spec.request ? { requestBody: { required: true, ...json(spec.request) } } : {}),
    responses: {
      [String(status)]: {
        description,
        ...json(schema),
        ...(spec.cookies ? { headers: setsCookies } : {}),
      },
      ...errors(...spec.errors),
    },
  };
}

const CALL_TOKEN_ERRORS: Record<number, string> = {
  400: "M_NOT_JSON, M_BAD_JSON (wrong shape or type, or delayed-leave delegation asked for), M_INVALID_PARAM (not a room id, user id or server name), naming the `field`.",
  401: "M_UNAUTHORIZED: the homeserver does not know the OpenID token (forged or expired), or it belongs to another user than claimed.",
  403: "M_FORBIDDEN: the token's homeserver is neither this one nor on RTC_ALLOWED_HOMESERVERS, or the user is not joined to the room.",
  405: "M_UNRECOGNIZED: only POST (and the CORS preflight).",
  413: "M_TOO_LARGE: request body over 16 KiB.",
  429: "M_LIMIT_EXCEEDED (per client address), with a Retry-After header (seconds) and `retry_after_ms`.",
  502: "M_UNKNOWN: the homeserver or LiveKit could not be reached or answered an error.",
  504: "M_UNKNOWN: the homeserver or LiveKit did not answer within 5 s.",
};

/** /get_token and /sfu/get: lk-jwt-service's contract, for any origin, without credentials. */
function callTokenOperation(spec: {
  summary: string;
  description: string;
  request: keyof typeof COMPONENTS;
}): JsonObject {
  return {
    summary: spec.summary,
    description: `${spec.description} CORS: any origin, no credentials.`,
    security: [],
    requestBody: { required: true, ...json(spec.request) },
    responses: {
      "200": { description: "A LiveKit token for the call", ...json("CallTokenResponse") },
      ...Object.fromEntries(
        Object.entries(CALL_TOKEN_ERRORS).map(([status, description]) => [
          status,
          { description, ...json("Error") },
        ]),
      ),
    },
  };
}

const WIDGET_EXCHANGE_ERRORS: Record<number, string> = {
  400: "M_NOT_JSON, M_BAD_JSON (wrong shape or type), M_INVALID_PARAM (not a room id or server name), naming the `field`.",
  401: "M_UNKNOWN_TOKEN: the homeserver does not know the OpenID token (forged or expired), or it vouched for a user of another server.",
  403: "M_FORBIDDEN: the token's homeserver is neither this one, nor on RTC_ALLOWED_HOMESERVERS, nor a partner organisation; or the viewer is not joined to the room (also when there is no such room).",
  404: "M_NOT_FOUND: the widget API is not configured on this bridge.",
  413: "M_TOO_LARGE: request body over 16 KiB.",
  429: "M_LIMIT_EXCEEDED (per client address and per viewer), with a Retry-After header (seconds) and `retry_after_ms`.",
  502: "M_UNKNOWN: the homeserver could not be reached or answered an error.",
  504: "M_UNKNOWN: the homeserver did not answer within 5 s.",
};

/** `{id}` of /api/partners/requests/{id}/…: unknown and malformed ids are both 404. */
const PARTNER_REQUEST_ID = {
  name: "id",
  in: "path",
  required: true,
  description: "The request's id, as listed by GET /api/partners/requests.",
  schema: { type: "string", format: "uuid" },
};

/** Every route reads it (requestId.ts); shared by all path items. */
const REQUEST_ID_HEADER_PARAMETER = {
  name: "X-Request-Id",
  in: "header",
  required: false,
  description:
    "Your id for this request, echoed in the X-Request-Id response header and the bridge's logs when it is 1–128 characters of A–Z, a–z, 0–9, `.`, `_`, `:` and `-`; anything else is replaced by a fresh id.",
  schema: { type: "string" },
};

const CSRF_NOTE =
  "Writes must carry an Origin (or, failing that, Referer) header of an allowed origin.";

/** The OpenAPI 3.1 document for /api, the Matrix login gateway and the call token service. */
export function buildOpenApiDocument(publicUrl: string): OpenApiDocument {
  const schemas = componentSchemas();
  return withSharedParameters({
    openapi: "3.1.0",
    info: {
      title: "Xstream bridge API",
      version: "1",
      description:
        "Accounts and sessions of the Xstream web client, and the MatrixRTC LiveKit token service. Every error is `{errcode, error, field?}` JSON. " +
        CSRF_NOTE,
    },
    servers: [{ url: publicUrl }],
    paths: {
      "/api/auth/signup": {
        post: operation({
          summary: "Create an account and its Matrix user, and sign in",
          request: "SignupRequest",
          ok: [201, "UserResponse", "Signed up and signed in"],
          cookies: true,
          errors: [400, 403, 409, 413, 429],
        }),
      },
      "/api/auth/login": {
        post: operation({
          summary: "Sign in",
          description: "Wrong username and wrong password give the same 403.",
          request: "LoginRequest",
          ok: [200, "LoginResponse", "Signed in, with the session's first Matrix login token"],
          cookies: true,
          errors: [400, 403, 413, 429],
        }),
      },
      "/api/auth/refresh": {
        post: operation({
          summary: "Rotate the refresh token and renew the access cookie",
          description:
            "Presenting an already-rotated refresh token revokes its whole session family and logs out its Matrix device.",
          security: refreshCookie,
          ok: [200, "UserResponse", "Session renewed"],
          cookies: true,
          errors: [401, 403],
        }),
      },
      "/api/auth/logout": {
        post: operation({
          summary: "Sign out: revoke the session and log out its Matrix device",
          description: "Idempotent: without a session, or with an ended one, it still succeeds.",
          // The refresh cookie is optional: `{}` is OpenAPI's "or no credentials at all".
          security: [...refreshCookie, {}],
          ok: [200, "Empty", "Signed out; cookies cleared"],
          errors: [403],
        }),
      },
      "/api/auth/session": {
        get: operation({
          summary: "The signed-in user",
          security: cookieSession,
          ok: [200, "UserResponse", "Signed in"],
          errors: [401],
        }),
      },
      "/api/auth/password": {
        post: operation({
          summary: "Change the password (also on Matrix); other sessions end",
          description:
            "Every other session is revoked and every Matrix device logged out; this browser keeps its session and logs in to Matrix again with a fresh matrix-token.",
          security: cookieSession,
          request: "PasswordChangeRequest",
          ok: [200, "UserResponse", "Password changed"],
          errors: [400, 401, 403, 413, 429],
        }),
      },
      "/api/auth/matrix-token": {
        post: operation({
          summary: "A single-use JWT for Synapse's org.matrix.login.jwt login",
          security: cookieSession,
          ok: [200, "MatrixTokenResponse", "Log in to the homeserver with it within 60 s"],
          errors: [401, 403],
        }),
      },
      "/api/languages": {
        get: operation({
          summary: "Languages offered in pickers, with English names",
          description: "Any other valid BCP 47 language[-script][-region] tag is accepted too.",
          ok: [200, "LanguagesResponse", "Sorted by name"],
          errors: [],
        }),
      },
      "/api/profile": {
        get: operation({
          summary: "Your language profile (null before onboarding)",
          security: cookieSession,
          ok: [200, "ProfileResponse", "Your profile"],
          errors: [401],
        }),
        put: operation({
          summary: "Create or replace your language profile",
          description:
            "Also published on your Matrix profile as `org.xstream.languages` and `m.tz`. " +
            CSRF_NOTE,
          security: cookieSession,
          request: "ProfileInput",
          ok: [200, "ProfileResponse", "Saved"],
          errors: [400, 401, 403, 413],
        }),
      },
      "/api/profile/partner-organisations": {
        get: operation({
          summary: "Whether you are shown to learners of partner organisations",
          security: cookieSession,
          ok: [200, "PartnerVisibilityResponse", "Your choice and this organisation's partners"],
          errors: [401],
        }),
        put: operation({
          summary: "Also show me to learners of partner organisations (or stop)",
          description:
            "Off by default. When on (and you are discoverable, with a native and a learnt language), your name, languages, levels, interests, time zone and free times are published as an `org.xstream.learner` state event in this organisation's directory room, which only partner organisations' bots read. Turning it off clears the entry and redacts earlier versions. " +
            CSRF_NOTE,
          security: cookieSession,
          request: "PartnerVisibilityInput",
          ok: [200, "PartnerVisibilityResponse", "Saved"],
          errors: [400, 401, 403],
        }),
      },
      "/api/partners/suggestions": {
        get: {
          ...operation({
            summary: "Ranked partner suggestions, with reasons",
            description:
              "Reciprocal matches only (their native language is one you learn and yours one they learn); never yourself, blocked users (either way), partners, or learners with an open request with you or too many open requests.",
            security: cookieSession,
            ok: [200, "SuggestionsResponse", "Best first"],
            errors: [400, 401, 404],
          }),
          parameters: [
            {
              name: "limit",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 50, default: 20 },
            },
          ],
        },
      },
      "/api/partners/requests": {
        get: operation({
          summary: "Your open partner requests, incoming and outgoing",
          security: cookieSession,
          ok: [200, "PartnerRequestsResponse", "Oldest first"],
          errors: [401],
        }),
        post: operation({
          summary: "Ask a learner to be your partner",
          description:
            "The learner is told in the web client and, if they talk to the bot, in Matrix. If they had already asked you, this accepts their request (200 with `partner`). " +
            CSRF_NOTE,
          security: cookieSession,
          request: "UserTarget",
          ok: [201, "PartnerRequestResponse", "Request sent"],
          errors: [400, 401, 403, 404, 409],
        }),
      },
      "/api/partners/requests/{id}/accept": {
        parameters: [PARTNER_REQUEST_ID],
        post: operation({
          summary: "Accept a request addressed to you",
          description:
            "The bot creates a direct room, invites you both and posts a welcome. `room_id` is null if the homeserver was unavailable; the room follows shortly. " +
            CSRF_NOTE,
          security: cookieSession,
          ok: [200, "PartnerResponse", "You are partners"],
          errors: [401, 403, 404],
        }),
      },
      "/api/partners/requests/{id}/decline": {
        parameters: [PARTNER_REQUEST_ID],
        post: operation({
          summary: "Decline a request addressed to you",
          security: cookieSession,
          ok: [200, "PartnerRequestResponse", "Declined"],
          errors: [401, 403, 404],
        }),
      },
      "/api/partners": {
        get: operation({
          summary: "Your partners and their rooms",
          security: cookieSession,
          ok: [200, "PartnersResponse", "Newest first"],
          errors: [401],
        }),
      },
      "/api/blocks": {
        get: operation({
          summary: "Users you blocked",
          security: cookieSession,
          ok: [200, "BlocksResponse", "Newest first"],
          errors: [401],
        }),
        post: operation({
          summary: "Block a user",
          description:
            "No suggestions or requests either way; open requests are cancelled and a partnership ends. Idempotent.",
          security: cookieSession,
          request: "UserTarget",
          ok: [200, "Empty", "Blocked"],
          errors: [400, 401, 403],
        }),
      },
      "/api/blocks/{user}": {
        parameters: [
          {
            name: "user",
            in: "path",
            required: true,
            description: "The blocked user's Matrix id, URL-encoded.",
            schema: { type: "string", pattern: USER_ID_OUTLINE, maxLength: MATRIX_ID_MAX_BYTES },
            examples: { matrixUser: { value: "@ana:example.org" } },
          },
        ],
        delete: operation({
          summary: "Unblock a user",
          description: "`user` is the URL-encoded Matrix user id. Idempotent.",
          security: cookieSession,
          ok: [200, "Empty", "Unblocked"],
          errors: [400, 401, 403],
        }),
      },
      "/api/reports": {
        get: operation({
          summary: "Reports filed by learners (moderators and admins)",
          security: cookieSession,
          ok: [200, "ReportsResponse", "Newest first"],
          errors: [401, 403],
        }),
        post: operation({
          summary: "Report a user to the moderators",
          security: cookieSession,
          request: "ReportRequest",
          ok: [201, "ReportResponse", "Filed"],
          errors: [400, 401, 403],
        }),
      },
      "/api/email/settings": {
        get: operation({
          summary: "Whether this server sends mail, and the learner's partner-mail choice",
          description:
            "`enabled` is false when SMTP is not configured. Addresses themselves are Matrix 3PIDs (`/_matrix/client/v3/account/3pid`), verified by the homeserver.",
          security: cookieSession,
          ok: [200, "EmailSettingsResponse", "The settings"],
          errors: [401, 403],
        }),
        put: operation({
          summary: "Turn the bridge's partner mails on or off",
          security: cookieSession,
          request: "EmailSettingsRequest",
          ok: [200, "EmailSettingsResponse", "Saved"],
          errors: [400, 401, 403, 404, 413],
        }),
      },
      "/api/email/unsubscribe": {
        parameters: [
          {
            name: "token",
            in: "query",
            required: true,
            description: "The signed token from a mail's unsubscribe link.",
            schema: { type: "string", maxLength: 512 },
          },
        ],
        get: {
          summary: "The unsubscribe page a mail links to (a button; changes nothing)",
          security: [],
          responses: {
            "200": {
              description: "The page",
              content: { "text/html": { schema: { type: "string" } } },
            },
            ...errors(400, 404),
          },
        },
        post: {
          summary: "One-click unsubscribe from partner mails (RFC 8058)",
          description:
            "Body `List-Unsubscribe=One-Click` (form-encoded), as mail clients send it; the token is the authorisation, so any origin may post.",
          security: [],
          responses: {
            "200": {
              description: "Unsubscribed",
              content: { "text/html": { schema: { type: "string" } } },
            },
            ...errors(400, 404, 413),
          },
        },
      },
      "/api/widget/exchange": {
        post: {
          summary: "The exchange panel's two learners: the viewer's languages and their partner's",
          description:
            "For the Xstream widget in any Matrix client: no session, the viewer is who the OpenID token's homeserver vouches for (`/_matrix/federation/v1/openid/userinfo`, as the call token service checks it). Answered only for a room the viewer has joined; `partner` is the room's one other learner (the bots do not count), shown when the two are partners here or the partner chose to be discoverable. Languages come from this organisation's profiles or, with `organisation`, a partner organisation's directory.",
          security: [],
          requestBody: { required: true, ...json("WidgetExchangeInput") },
          responses: {
            "200": { description: "Both learners", ...json("WidgetExchangeResponse") },
            ...Object.fromEntries(
              Object.entries(WIDGET_EXCHANGE_ERRORS).map(([status, description]) => [
                status,
                {
                  description,
                  ...json("Error"),
                  ...(status === "429"
                    ? { headers: { "Retry-After": { schema: { type: "integer", minimum: 1 } } } }
                    : {}),
                },
              ]),
            ),
          },
        },
      },
      "/api/push/vapid-key": {
        get: operation({
          summary: "The VAPID public key browsers subscribe with",
          ok: [200, "VapidKeyResponse", "Web Push is on"],
          errors: [404],
        }),
      },
      "/api/push/subscriptions": {
        post: operation({
          summary: "Register this browser's Web Push subscription",
          description:
            "Body: `PushSubscription.toJSON()`. Answers an opaque pushkey and the values for a Matrix HTTP pusher (`POST /_matrix/client/v3/pushers/set` with `kind: http`, this `app_id` and pushkey, `data: {url: gateway_url, format: event_id_only}`). The same browser again keeps its pushkey; a learner keeps at most 10.",
          security: cookieSession,
          request: "PushSubscriptionRequest",
          ok: [201, "PushSubscriptionResponse", "Registered"],
          errors: [400, 401, 403, 404, 413],
        }),
      },
      "/api/push/subscriptions/{pushkey}": {
        parameters: [
          {
            name: "pushkey",
            in: "path",
            required: true,
            description: "The pushkey /api/push/subscriptions answered, URL-encoded.",
            schema: { type: "string" },
          },
        ],
        delete: operation({
          summary: "Forget a Web Push subscription (sign-out, or push turned off)",
          description: "Idempotent; another learner's pushkey is left alone.",
          security: cookieSession,
          ok: [200, "Empty", "Gone"],
          errors: [401, 403, 404],
        }),
      },
      "/_matrix/push/v1/notify": {
        post: {
          summary: "Matrix Push Gateway API: the homeserver's notifications",
          description:
            "For the homeserver on the internal network (not routed by the edge). Only pushkeys issued by /api/push/subscriptions are served; each is sent the event id, room id and unread count by Web Push, never content. Answers the pushkeys the homeserver should drop: unknown ones, other app ids, and subscriptions their push service reports gone (404/410).",
          security: [],
          requestBody: { required: true, ...json("PushNotifyRequest") },
          responses: {
            "200": {
              description: "Pushkeys to remove",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { rejected: { type: "array", items: { type: "string" } } },
                    required: ["rejected"],
                  },
                },
              },
            },
            "400": { description: "M_NOT_JSON or M_BAD_JSON", ...json("Error") },
            "413": { description: "M_TOO_LARGE: body over 100 KiB", ...json("Error") },
          },
        },
      },
      "/get_token": {
        post: callTokenOperation({
          summary: "A LiveKit token for a MatrixRTC call (MSC4195, as lk-jwt-service)",
          description:
            "Checks the OpenID token with its homeserver (`/_matrix/federation/v1/openid/userinfo`; the user must be `member.claimed_user_id`) and that the user is joined to `room_id`, creates the LiveKit room if needed and returns a token for it. LiveKit room: unpadded base64 of SHA-256 of the JSON array `[room_id, slot_id]`; identity: the same of `[user_id, claimed_device_id, member.id]`.",
          request: "CallTokenRequest",
        }),
      },
      "/sfu/get": {
        post: callTokenOperation({
          summary: "Legacy: a LiveKit token for a room's call (before MSC4195)",
          description:
            "As /get_token for the room's `m.call#ROOM` slot, with the identity `<user_id>:<device_id>` of the user the OpenID token belongs to.",
          request: "LegacyCallTokenRequest",
        }),
      },
      "/healthz": {
        get: {
          summary: "Health of the bridge and its token service (checks the database)",
          security: [],
          responses: {
            "200": {
              description: "Healthy",
              content: { "application/json": { schema: { type: "object" } } },
            },
            "503": { description: "M_UNAVAILABLE: the database is unreachable", ...json("Error") },
          },
        },
      },
      "/api/docs": {
        get: {
          summary: "This document",
          security: [],
          responses: {
            "200": {
              description: "OpenAPI 3.1",
              content: { "application/json": { schema: { type: "object" } } },
            },
          },
        },
      },
      "/_matrix/client/v3/login": {
        get: {
          summary: "The homeserver's login flows, relayed",
          security: [],
          responses: {
            "200": {
              description: "Synapse's `{flows}`: `org.matrix.login.jwt`, `m.login.password`, …",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["flows"],
                    properties: {
                      flows: {
                        type: "array",
                        items: {
                          type: "object",
                          required: ["type"],
                          properties: { type: { type: "string" } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        post: {
          summary: "Matrix login, relayed to the homeserver",
          description:
            "`org.matrix.login.jwt` tokens are verified and accepted once (a second use is 403 M_FORBIDDEN); every login is then forwarded to Synapse unchanged and its answer relayed. Also at /_matrix/client/r0/login.",
          security: [],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["type"],
                  properties: { type: { type: "string", examples: ["m.login.password"] } },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "Synapse's login response",
              content: { "application/json": { schema: { type: "object" } } },
            },
            "400": {
              description:
                "M_NOT_JSON (not a JSON object), or the homeserver's M_BAD_JSON, M_MISSING_PARAM or M_UNKNOWN (missing keys, unknown login type).",
              ...json("Error"),
            },
            "401": {
              description:
                "The homeserver's M_MISSING_TOKEN or M_UNKNOWN_TOKEN: `m.login.application_service` without a valid appservice token.",
              ...json("Error"),
            },
            "403": {
              description:
                "Invalid or already used login token, or the homeserver's M_FORBIDDEN (wrong user or password).",
              ...json("Error"),
            },
            "413": { description: "M_TOO_LARGE: request body over 64 KiB.", ...json("Error") },
            "429": {
              description: "The homeserver's M_LIMIT_EXCEEDED, with `retry_after_ms`.",
              ...json("Error"),
            },
            "502": { description: "M_UNKNOWN: the homeserver is not reachable.", ...json("Error") },
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        accessCookie: { type: "apiKey", in: "cookie", name: ACCESS_COOKIE },
        refreshCookie: { type: "apiKey", in: "cookie", name: REFRESH_COOKIE },
      },
    },
  });
}

/** Adds the X-Request-Id header parameter to every path item. */
function withSharedParameters(document: OpenApiDocument): OpenApiDocument {
  for (const item of Object.values(document.paths)) {
    const own = (item.parameters as JsonObject[] | undefined) ?? [];
    item.parameters = [REQUEST_ID_HEADER_PARAMETER, ...own];
  }
  return document;
}

/** Each documented path (OpenAPI template) with its methods, upper-case. */
export function documentedMethods(): Record<string, string[]> {
  const { paths } = buildOpenApiDocument("");
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.keys(item)
        .filter((key) => key !== "parameters")
        .map((method) => method.toUpperCase()),
    ]),
  );
}

export function docsRouter(publicUrl: string): Router {
  const router = Router();
  const document = buildOpenApiDocument(publicUrl);
  router.get("/docs", (_req, res) => {
    res.json(document);
  });
  return router;
}
