import { ApiError, NETWORK_ERRCODE } from "../../api/ApiError";

/** A server refusal split into what goes on a field and what goes in the form's alert. */
export type ServerErrors<Field extends string> = {
  formError: string | null;
  fieldErrors: Partial<Record<Field, string>>;
};

export const NO_SERVER_ERRORS: ServerErrors<never> = { formError: null, fieldErrors: {} };

/**
 * Places an error from the bridge: on the field it names when the form has that field, else in
 * the form's alert. Codes whose meaning we know get our own wording; otherwise the server's.
 */
export function describeServerError<Field extends string>(
  error: unknown,
  fields: readonly Field[],
): ServerErrors<Field> {
  if (!(error instanceof ApiError)) {
    return { formError: "Something went wrong. Please try again.", fieldErrors: {} };
  }
  if (error.errcode === NETWORK_ERRCODE) return { formError: error.message, fieldErrors: {} };
  if (error.errcode === "M_LIMIT_EXCEEDED") {
    return { formError: tooManyAttempts(error.retryAfterMs), fieldErrors: {} };
  }

  const message = wording(error);
  const field = fields.find((name) => name === error.field);
  if (field !== undefined) {
    const fieldErrors: Partial<Record<Field, string>> = {};
    fieldErrors[field] = message;
    return { formError: null, fieldErrors };
  }
  return { formError: message, fieldErrors: {} };
}

function wording(error: ApiError): string {
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
