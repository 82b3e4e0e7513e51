import { Router } from "express";
import { z } from "zod";
import {
  emptyResponseSchema,
  errorResponseSchema,
  loginRequestSchema,
  matrixTokenResponseSchema,
  passwordChangeRequestSchema,
  signupRequestSchema,
  userResponseSchema,
  userSchema,
} from "./authSchemas.js";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./sessionCookies.js";

type JsonObject = Record<string, unknown>;

/** Named schemas, emitted once under components.schemas and referenced by $ref. */
const COMPONENTS: Record<string, z.ZodType> = {
  SignupRequest: signupRequestSchema,
  LoginRequest: loginRequestSchema,
  PasswordChangeRequest: passwordChangeRequestSchema,
  User: userSchema,
  UserResponse: userResponseSchema,
  MatrixTokenResponse: matrixTokenResponseSchema,
  Empty: emptyResponseSchema,
  Error: errorResponseSchema,
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
  400: "Invalid input: M_NOT_JSON, M_BAD_JSON, M_INVALID_USERNAME, M_EXCLUSIVE or M_WEAK_PASSWORD, naming the `field`.",
  401: "M_MISSING_TOKEN (no session cookie) or M_UNKNOWN_TOKEN (expired, invalid or revoked).",
  403: "M_FORBIDDEN: cross-site request (Origin not allowed), wrong credentials, or missing role.",
  409: "M_USER_IN_USE: the username is taken.",
  413: "M_TOO_LARGE: request body over 16 KiB.",
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

const CSRF_NOTE =
  "Writes must carry an Origin (or, failing that, Referer) header of an allowed origin.";

/** The OpenAPI 3.1 document for /api (and the Matrix login gateway), from the zod schemas. */
export function buildOpenApiDocument(publicUrl: string): JsonObject {
  const schemas = componentSchemas();
  return {
    openapi: "3.1.0",
    info: {
      title: "Xstream bridge API",
      version: "1",
      description:
        "Accounts and sessions of the Xstream web client. Every error is `{errcode, error, field?}` JSON. " +
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
          ok: [200, "UserResponse", "Signed in"],
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
          description: "Idempotent.",
          security: refreshCookie,
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
        post: {
          summary: "Matrix login, relayed to the homeserver",
          description:
            "`org.matrix.login.jwt` tokens are verified and accepted once (a second use is 403 M_FORBIDDEN); every login is then forwarded to Synapse unchanged and its answer relayed. Also at /_matrix/client/r0/login.",
          security: [],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object" } } },
          },
          responses: {
            "200": {
              description: "Synapse's login response",
              content: { "application/json": { schema: { type: "object" } } },
            },
            "403": { description: "Invalid or already used login token", ...json("Error") },
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
  };
}

export function docsRouter(publicUrl: string): Router {
  const router = Router();
  const document = buildOpenApiDocument(publicUrl);
  router.get("/docs", (_req, res) => {
    res.json(document);
  });
  return router;
}
