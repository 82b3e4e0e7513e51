import type { InputHTMLAttributes, Ref } from "react";
import { FieldMessages, fieldClass, useFieldIds } from "./fieldParts";

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
  const { id, hintId, errorId, aria } = useFieldIds(hint, error);
  return (
    <div className={fieldClass("field", error, className)}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input ref={ref} id={id} type={type} className="field__input" {...aria} {...rest} />
      <FieldMessages hint={hint} error={error} hintId={hintId} errorId={errorId} />
    </div>
  );
}
