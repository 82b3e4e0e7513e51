import type { InputHTMLAttributes } from "react";
import { FieldMessages, fieldClass, useFieldIds } from "./fieldParts";

export type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type"> & {
  /** Visible label, beside the box; also its accessible name. */
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
};

/** A labelled checkbox with optional hint and inline error message. */
export function CheckboxField({ label, hint, error, className, ...rest }: CheckboxFieldProps) {
  const { id, hintId, errorId, aria } = useFieldIds(hint, error);
  return (
    <div className={fieldClass("checkbox", error, className)}>
      <input id={id} type="checkbox" className="checkbox__input" {...aria} {...rest} />
      <div className="checkbox__text">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
        <FieldMessages hint={hint} error={error} hintId={hintId} errorId={errorId} />
      </div>
    </div>
  );
}
