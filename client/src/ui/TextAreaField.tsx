import type { Ref, TextareaHTMLAttributes } from "react";
import { FieldMessages, fieldClass, useFieldIds } from "./fieldParts";

export type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  /** Visible label; also the text area's accessible name. */
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  ref?: Ref<HTMLTextAreaElement>;
};

/** A labelled multi-line text input with optional hint and inline error message. */
export function TextAreaField({ label, error, hint, className, ref, ...rest }: TextAreaFieldProps) {
  const { id, hintId, errorId, aria } = useFieldIds(hint, error);
  return (
    <div className={fieldClass("field", error, className)}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea ref={ref} id={id} className="field__input field__textarea" {...aria} {...rest} />
      <FieldMessages hint={hint} error={error} hintId={hintId} errorId={errorId} />
    </div>
  );
}
