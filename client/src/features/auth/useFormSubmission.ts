import { useCallback, useState } from "react";
import { NO_SERVER_ERRORS, placeServerError, type ServerErrors } from "./serverErrors";

export type FormSubmission<Field extends string, Values> = ServerErrors<Field> & {
  pending: boolean;
  /** Runs the action; resolves to true on success, false when the server refused. */
  submit: (values: Values) => Promise<boolean>;
  /** Hides the server's message for a field once the person edits it. */
  clearFieldError: (field: Field) => void;
};

/**
 * The in-flight and server-error state of a form whose action talks to the bridge. The page
 * shows the errors; this decides where each one goes.
 */
export function useFormSubmission<Field extends string, Values>(
  action: (values: Values) => Promise<void>,
  fields: readonly Field[],
): FormSubmission<Field, Values> {
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<ServerErrors<Field>>(NO_SERVER_ERRORS);

  const submit = useCallback(
    async (values: Values) => {
      setPending(true);
      setErrors(NO_SERVER_ERRORS);
      try {
        await action(values);
        return true;
      } catch (error) {
        setErrors(placeServerError(error, fields));
        return false;
      } finally {
        setPending(false);
      }
    },
    [action, fields],
  );

  const clearFieldError = useCallback((field: Field) => {
    setErrors((current) => {
      if (current.fieldErrors[field] === undefined) return current;
      const { [field]: _cleared, ...rest } = current.fieldErrors;
      return { ...current, fieldErrors: rest as Partial<Record<Field, string>> };
    });
  }, []);

  return { ...errors, pending, submit, clearFieldError };
}
