import { ApiError, NETWORK_ERRCODE } from "../../api/ApiError";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";

/** A server refusal split into what goes on a field and what goes in the form's alert. */
export type ServerErrors<Field extends string> = {
  formError: string | null;
  fieldErrors: Partial<Record<Field, string>>;
};

export const NO_SERVER_ERRORS: ServerErrors<never> = { formError: null, fieldErrors: {} };

/**
 * Places an error from the bridge: on the field it names when the form has that field, else in
 * the form's alert. The words are `describeError`'s.
 */
export function placeServerError<Field extends string>(
  error: unknown,
  fields: readonly Field[],
): ServerErrors<Field> {
  const message = describeError(error, { unexpected: UNEXPECTED_ERROR });
  // A lost connection or a rate limit is about the whole form, whatever field the server named.
  const placeable =
    error instanceof ApiError &&
    error.errcode !== NETWORK_ERRCODE &&
    error.errcode !== "M_LIMIT_EXCEEDED";
  const field = placeable ? fields.find((name) => name === error.field) : undefined;
  if (field !== undefined) {
    const fieldErrors: Partial<Record<Field, string>> = {};
    fieldErrors[field] = message;
    return { formError: null, fieldErrors };
  }
  return { formError: message, fieldErrors: {} };
}
