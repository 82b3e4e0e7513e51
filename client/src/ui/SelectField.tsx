import type { ReactNode, Ref, SelectHTMLAttributes } from "react";
import { FieldMessages, fieldClass, useFieldIds } from "./fieldParts";

export type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  /** Visible label; also the select's accessible name. */
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  ref?: Ref<HTMLSelectElement>;
  children: ReactNode;
};

/** A labelled native select with optional hint and inline error message. */
export function SelectField({
  label,
  error,
  hint,
  className,
  ref,
  children,
  ...rest
}: SelectFieldProps) {
  const { id, hintId, errorId, aria } = useFieldIds(hint, error);
  return (
    <div className={fieldClass("field", error, className)}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select ref={ref} id={id} className="field__input field__select" {...aria} {...rest}>
        {children}
      </select>
      <FieldMessages hint={hint} error={error} hintId={hintId} errorId={errorId} />
    </div>
  );
}
