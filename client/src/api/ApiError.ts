/**
 * A refusal from the bridge's `/api` or from the homeserver, both of which answer with a
 * Matrix-style body `{errcode, error, field?}`. Network failures and unreadable bodies are turned
 * into the same shape so callers handle one kind of error.
 */
export class ApiError extends Error {
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** Matrix-style code such as `M_FORBIDDEN`, or `XS_NETWORK` when the server was unreachable. */
  readonly errcode: string;
  /** The request field the server blames (`username`, `password`, `currentPassword`…), if any. */
  readonly field: string | undefined;
  /** How long to wait before trying again, from `retry_after_ms` or `Retry-After` (429). */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    status: number;
    errcode: string;
    message: string;
    field?: string | undefined;
    retryAfterMs?: number | undefined;
  }) {
    super(options.message);
    this.name = "ApiError";
    this.status = options.status;
    this.errcode = options.errcode;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True when the server reached us and said who we are is not acceptable (401 or 403). */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export const NETWORK_ERRCODE = "XS_NETWORK";

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    status: 0,
    errcode: NETWORK_ERRCODE,
    message: "Can't reach Xstream. Check your connection and try again.",
  });
  error.cause = cause;
  return error;
}

type ErrorBody = { errcode?: unknown; error?: unknown; field?: unknown; retry_after_ms?: unknown };

/** Reads a failed response into an ApiError, tolerating bodies that are not JSON (proxies, 502s). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === "object") body = parsed as ErrorBody;
  } catch {
    // Not JSON: fall back to the status alone.
  }
  return new ApiError({
    status: response.status,
    errcode: typeof body.errcode === "string" ? body.errcode : "M_UNKNOWN",
    message:
      typeof body.error === "string" && body.error !== ""
        ? body.error
        : `The server answered with an error (HTTP ${response.status}). Please try again.`,
    field: typeof body.field === "string" ? body.field : undefined,
    retryAfterMs: retryAfter(response, body),
  });
}

function retryAfter(response: Response, body: ErrorBody): number | undefined {
  if (typeof body.retry_after_ms === "number" && body.retry_after_ms >= 0) {
    return body.retry_after_ms;
  }
  const header = response.headers.get("Retry-After");
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
