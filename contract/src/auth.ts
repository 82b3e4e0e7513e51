import { z } from "zod";
import {
  DISPLAY_NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ROLES,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from "./limits.js";

// /api/auth/*. Request schemas check shapes and types only (a wrong type is 400 M_BAD_JSON naming
// the field); the bridge's domain rules judge the values, with their own error codes. The
// constraints below document those rules in the OpenAPI document; the limits come from limits.ts,
// which the domain and the client's forms use too.

const username = z.string().meta({
  description:
    "Matrix localpart: trimmed and lower-cased, then a-z, 0-9 and . _ = - /; not reserved (`xstream…`, `admin`, …).",
  minLength: USERNAME_MIN_LENGTH,
  maxLength: USERNAME_MAX_LENGTH,
  examples: ["ana.garcia"],
});

const newPassword = z.string().meta({
  description: "Not containing the username and not a common password.",
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  format: "password",
});

export const signupRequestSchema = z
  .object({
    username,
    password: newPassword,
    displayName: z.string().meta({
      description: "Shown to other learners; trimmed, no control characters.",
      minLength: 1,
      maxLength: DISPLAY_NAME_MAX_LENGTH,
    }),
  })
  .meta({ title: "SignupRequest" });

export const loginRequestSchema = z
  .object({
    username: z.string().meta({ description: "Case-insensitive." }),
    password: z.string().meta({ format: "password" }),
  })
  .meta({ title: "LoginRequest" });

export const passwordChangeRequestSchema = z
  .object({
    currentPassword: z.string().meta({ format: "password" }),
    newPassword,
  })
  .meta({ title: "PasswordChangeRequest" });

export const userSchema = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    matrixUserId: z.string().meta({ examples: ["@ana.garcia:example.org"] }),
  })
  .meta({ title: "User" });

export const userResponseSchema = z.object({ user: userSchema }).meta({ title: "UserResponse" });

export const emptyResponseSchema = z.object({}).meta({ title: "Empty" });

export const matrixTokenResponseSchema = z
  .object({
    token: z.string().meta({
      description:
        "HS256 JWT for Synapse's `org.matrix.login.jwt` login; valid 60 s, accepted once.",
    }),
    device_id: z.string().meta({
      description: "Log in with this device_id: it is stable for this browser session.",
      examples: ["XSQWERTYUIOP"],
    }),
    user_id: z.string(),
    homeserver_url: z.string().optional(),
  })
  .meta({ title: "MatrixTokenResponse" });

export const loginResponseSchema = z
  .object({
    user: userSchema,
    matrix: matrixTokenResponseSchema.meta({
      description:
        "The session's first Matrix login token, as `/api/auth/matrix-token` would give it, so signing in to Matrix takes no extra round trip.",
    }),
  })
  .meta({ title: "LoginResponse" });

export const errorResponseSchema = z
  .object({
    errcode: z.string().meta({ examples: ["M_FORBIDDEN"] }),
    error: z.string(),
    field: z.string().optional().meta({ description: "The request field at fault." }),
    retry_after_ms: z.number().int().optional().meta({ description: "With 429." }),
  })
  .meta({ title: "Error" });

export type SignupRequest = z.infer<typeof signupRequestSchema>;
export type User = z.infer<typeof userSchema>;
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;
export type UserResponse = z.infer<typeof userResponseSchema>;
export type MatrixTokenResponse = z.infer<typeof matrixTokenResponseSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
