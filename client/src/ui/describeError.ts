import { ApiError, NETWORK_ERRCODE } from "../api/ApiError";

/** What a form or page says when something fails that no server explained. */
export const UNEXPECTED_ERROR = "Something went wrong. Please try again.";

export type DescribeErrorOptions = {
  /**
   * Said instead of the message of an error that no server sent. The bridge's API client turns
   * every answer and network failure into an `ApiError`, so anything else from it is our own
   * bug, whose message means nothing to the person. Matrix callers leave it out: the SDK's
   * errors carry the homeserver's words.
   */
  unexpected?: string;
};

/**
 * Any error as one sentence for the person: our own wording for the codes we know (from the
 * bridge or the homeserver), else the server's message, else the error's own.
 */
export function describeError(error: unknown, options: DescribeErrorOptions = {}): string {
  if (error instanceof ApiError) {
    if (error.errcode === NETWORK_ERRCODE) return error.message;
    if (error.errcode === "M_LIMIT_EXCEEDED") return tooManyAttempts(error.retryAfterMs);
    return apiWording(error);
  }
  if (errcodeOf(error) === "M_TOO_LARGE") return "The server says the file is too large.";
  if (options.unexpected !== undefined) return options.unexpected;
  return error instanceof Error ? error.message : String(error);
}

function errcodeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "errcode" in error
    ? error.errcode
    : undefined;
}

function apiWording(error: ApiError): string {
  switch (error.errcode) {
    case "M_USER_IN_USE":
      return "That username is taken. Try another one.";
    case "M_EXCLUSIVE":
      return "That username is reserved. Choose another one.";
    case "M_FORBIDDEN":
      if (error.field === "currentPassword") return "That isn't your current password";
      break;
  }
  return sentenceCase(error.message);
}

function tooManyAttempts(retryAfterMs: number | undefined): string {
  if (retryAfterMs === undefined) return "Too many attempts. Please wait a moment and try again.";
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? "" : "s"}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
  return `Too many attempts. Try again in ${wait}.`;
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
