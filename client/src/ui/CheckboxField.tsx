import { type InputHTMLAttributes, useId } from "react";

export type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type"> & {
  /** Visible label, beside the box; also its accessible name. */
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
};

/** A labelled checkbox with optional hint and inline error message. */
export function CheckboxField({ label, hint, error, className, ...rest }: CheckboxFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["checkbox", error && "field--invalid", className].filter(Boolean).join(" ")}>
      <input
        id={id}
        type="checkbox"
        className="checkbox__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
      <div className="checkbox__text">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
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
      </div>
    </div>
  );
}
