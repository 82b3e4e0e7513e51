import { useId } from "react";

/** Ids tying a form control to its hint and error, and the control's ARIA attributes. */
export function useFieldIds(hint: string | undefined, error: string | undefined) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return {
    id,
    hintId,
    errorId,
    /** Spread onto the control. */
    aria: {
      "aria-invalid": error ? true : undefined,
      "aria-describedby": [hint && hintId, error && errorId].filter(Boolean).join(" ") || undefined,
    },
  };
}

/** The class of a field's wrapper: `base`, marked invalid when there is an error. */
export function fieldClass(base: string, error: string | undefined, className?: string): string {
  return [base, error && "field--invalid", className].filter(Boolean).join(" ");
}

/** A field's help text and inline error, under the control. */
export function FieldMessages({
  hint,
  error,
  hintId,
  errorId,
}: {
  hint: string | undefined;
  error: string | undefined;
  hintId: string;
  errorId: string;
}) {
  return (
    <>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </>
  );
}
