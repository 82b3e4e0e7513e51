import { type InputHTMLAttributes, type Ref, useId } from "react";

export type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  /** Visible label; also the input's accessible name. */
  label: string;
  /** Inline validation message. When set, the input is marked invalid and described by it. */
  error?: string | undefined;
  /** Optional help text shown under the input. */
  hint?: string | undefined;
  ref?: Ref<HTMLInputElement>;
};

/** A labelled text input with optional hint and inline error message. */
export function TextField({
  label,
  error,
  hint,
  type = "text",
  className,
  ref,
  ...rest
}: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(" ") || undefined;

  return (
    <div className={["field", error && "field--invalid", className].filter(Boolean).join(" ")}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        ref={ref}
        id={id}
        type={type}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
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
  );
}
