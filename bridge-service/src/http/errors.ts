import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError, type ZodType } from "zod";
import { Refusal, type RefusalReason } from "../domain/refusal.js";

/** A failure with the status and Matrix `errcode` the client should see. */
export class MatrixError extends Error {
  readonly status: number;
  readonly errcode: string;
  /** The request field at fault, sent as `field`. */
  readonly field: string | undefined;
  /** For 429: sent as `retry_after_ms` and, in seconds, as the Retry-After header. */
  readonly retryAfterMs: number | undefined;

  constructor(
    status: number,
    errcode: string,
    message: string,
    options: { field?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "MatrixError";
    this.status = status;
    this.errcode = errcode;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Status and errcode for each domain refusal. */
export const REFUSAL_RESPONSES: Readonly<Record<RefusalReason, [number, string]>> = {
  invalid_username: [400, "M_INVALID_USERNAME"],
  reserved_username: [400, "M_EXCLUSIVE"],
  weak_password: [400, "M_WEAK_PASSWORD"],
  invalid_display_name: [400, "M_BAD_JSON"],
  username_taken: [409, "M_USER_IN_USE"],
  invalid_credentials: [403, "M_FORBIDDEN"],
  wrong_current_password: [403, "M_FORBIDDEN"],
  rate_limited: [429, "M_LIMIT_EXCEEDED"],
  missing_session: [401, "M_MISSING_TOKEN"],
  unknown_session: [401, "M_UNKNOWN_TOKEN"],
  insufficient_role: [403, "M_FORBIDDEN"],
  invalid_login_token: [403, "M_FORBIDDEN"],
  login_token_used: [403, "M_FORBIDDEN"],
  invalid_profile: [400, "M_INVALID_PARAM"],
  profile_missing: [404, "M_NOT_FOUND"],
  profile_incomplete: [400, "M_INVALID_PARAM"],
  invalid_user_id: [400, "M_INVALID_PARAM"],
  cannot_target_self: [400, "M_INVALID_PARAM"],
  not_a_match: [400, "M_INVALID_PARAM"],
  already_connected: [409, "ORG.XSTREAM.ALREADY_CONNECTED"],
  request_exists: [409, "ORG.XSTREAM.REQUEST_EXISTS"],
  partner_unavailable: [409, "ORG.XSTREAM.UNAVAILABLE"],
  request_not_found: [404, "M_NOT_FOUND"],
  invalid_report: [400, "M_INVALID_PARAM"],
};

/** The wire name of a zod issue's path, e.g. `events[0].sender`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
    "",
  );
}

/** Readable summary of a zod failure that names each offending field, e.g. `events[0].sender`. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const field = fieldName(issue.path);
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

// body-parser reports its failures as http-errors with a `type`; these are the ones a client
// can cause with a bad request.
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { type?: unknown }).type === "string" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

function toMatrixError(error: unknown): MatrixError | undefined {
  if (error instanceof MatrixError) return error;
  if (error instanceof Refusal) {
    const [status, errcode] = REFUSAL_RESPONSES[error.reason];
    return new MatrixError(status, errcode, error.message, {
      field: error.field,
      retryAfterMs: error.retryAfterMs,
    });
  }
  if (error instanceof ZodError) {
    const field = fieldName(error.issues[0]?.path ?? []);
    return new MatrixError(400, "M_BAD_JSON", describeZodError(error), {
      field: field || undefined,
    });
  }
  if (isBodyParserError(error)) {
    switch (error.type) {
      case "entity.parse.failed":
        return new MatrixError(400, "M_NOT_JSON", "Content not JSON.");
      case "entity.too.large":
        return new MatrixError(413, "M_TOO_LARGE", "Request body too large.");
      case "encoding.unsupported":
      case "charset.unsupported":
        return new MatrixError(415, "M_UNKNOWN", "Unsupported content encoding or charset.");
      case "request.aborted":
      case "request.size.invalid":
        return new MatrixError(400, "M_UNKNOWN", "Request body incomplete.");
    }
  }
  return undefined;
}

export const unrecognizedRoute: RequestHandler = () => {
  throw new MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request");
};

/** Last middleware: every failure leaves as Matrix-style `{errcode, error}` JSON. */
export const matrixErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const known = toMatrixError(error);
  if (known) {
    const body: Record<string, unknown> = { errcode: known.errcode, error: known.message };
    if (known.field !== undefined) body.field = known.field;
    if (known.retryAfterMs !== undefined) {
      body.retry_after_ms = known.retryAfterMs;
      res.setHeader("Retry-After", String(Math.ceil(known.retryAfterMs / 1000)));
    }
    res.status(known.status).json(body);
    return;
  }
  // Unexpected: log the detail, tell the client nothing about internals. A 500 also makes
  // Synapse retry an appservice transaction later.
  req.log.error({ err: error }, "request failed");
  res.status(500).json({ errcode: "M_UNKNOWN", error: "Internal server error" });
};

/** Parses a JSON body; a missing one (wrong or no Content-Type) is "not JSON", not "bad JSON". */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  if (body === undefined) throw new MatrixError(400, "M_NOT_JSON", "Content not JSON.");
  return schema.parse(body);
}
