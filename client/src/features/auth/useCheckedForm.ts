import { type ChangeEvent, type FocusEvent, useEffect, useRef, useState } from "react";

type Values<Field extends string> = Record<Field, string>;
type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

export type CheckedFormOptions<Field extends string, ServerField extends Field> = {
  initial: Values<Field>;
  /** Every field, in the order they appear; the first invalid one gets focus. */
  order: readonly Field[];
  /** The fields the server may blame; the others (a confirmation) only the rules here judge. */
  serverFields: readonly ServerField[];
  /** The rule for one field given everything typed so far (normalised). */
  check: (field: Field, values: Values<Field>) => string | undefined;
  /** Every rule at once, run on submit. */
  validate: (values: Values<Field>) => FieldErrors<Field>;
  /** Fields whose rule reads the one named, so they are re-checked when it changes. */
  dependants?: Partial<Record<Field, readonly Field[]>>;
  /** Fields not judged on leaving them (e.g. a current password: only submitting says so). */
  notCheckedOnBlur?: readonly Field[];
  /** What the rules see and what is submitted, e.g. trimmed. */
  normalise?: (values: Values<Field>) => Values<Field>;
  /** Messages from the server placed on the field they name. */
  fieldErrors: FieldErrors<ServerField>;
  /** Called when the person edits a server field, so its server message can be cleared. */
  onFieldChange: (field: ServerField) => void;
  /** Called on every edit. */
  onEdit?: () => void;
};

/** What a `TextField` needs to be one of the form's fields. */
export type CheckedFieldProps = {
  ref: (input: HTMLInputElement | null) => void;
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  onBlur: (event: FocusEvent<HTMLInputElement>) => void;
};

export type CheckedForm<Field extends string> = {
  values: Values<Field>;
  /** Props for the field's `TextField`; its `name` is the field. */
  field: (field: Field) => CheckedFieldProps;
  /** Checks every field and focuses the first invalid one; the normalised values when all pass. */
  validate: () => Values<Field> | undefined;
  /** Empties the form, e.g. after a successful submit. */
  reset: () => void;
};

const keepAsTyped = <V>(values: V) => values;

/**
 * The typed values and rule messages of a form whose fields are checked as the person goes, and
 * where its messages (the rules' or the server's) and focus go. Pages render the fields. Call it
 * after `usePageArrival`, so a field the server blames takes the focus from the heading.
 */
export function useCheckedForm<Field extends string, ServerField extends Field>({
  initial,
  order,
  serverFields,
  check,
  validate,
  dependants = {},
  notCheckedOnBlur = [],
  normalise = keepAsTyped,
  fieldErrors,
  onFieldChange,
  onEdit,
}: CheckedFormOptions<Field, ServerField>): CheckedForm<Field> {
  const [values, setValues] = useState<Values<Field>>(initial);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const isServerField = (field: Field): field is ServerField =>
    (serverFields as readonly Field[]).includes(field);

  // A field the server blames (name taken, wrong current password…) gets focus. `order` and
  // `serverFields` are constants, so only a new server answer runs this.
  useEffect(() => {
    const blamed = order.find(
      (field) =>
        (serverFields as readonly Field[]).includes(field) && fieldErrors[field as ServerField],
    );
    if (blamed) inputs.current[blamed]?.focus();
  }, [fieldErrors, order, serverFields]);

  function handleChange(field: Field, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    onEdit?.();
    if (isServerField(field)) onFieldChange(field);
    // Once a message is showing, keep it in step with what is typed so it goes away when fixed.
    // Fields whose rule depends on this one are re-checked too.
    const updated = { ...errors };
    for (const name of [field, ...(dependants[field] ?? [])]) {
      if (updated[name] !== undefined) updated[name] = check(name, normalise(next));
    }
    setErrors(updated);
  }

  function handleBlur(field: Field, next: EventTarget | null) {
    // Judge a field when the person moves on to another one, but not one they have not started
    // on. Not when they go for a button: a message appearing would push the button away from
    // under the pointer and swallow the click; submitting checks everything anyway.
    if (values[field] === "" || notCheckedOnBlur.includes(field)) return;
    if (!(next instanceof HTMLInputElement)) return;
    setErrors({ ...errors, [field]: check(field, normalise(values)) });
  }

  function errorFor(field: Field): string | undefined {
    return errors[field] ?? (isServerField(field) ? fieldErrors[field] : undefined);
  }

  return {
    values,
    field: (field) => ({
      ref: (input) => {
        inputs.current[field] = input;
      },
      name: field,
      value: values[field],
      error: errorFor(field),
      onChange: (event) => handleChange(field, event.target.value),
      onBlur: (event) => handleBlur(field, event.relatedTarget),
    }),
    validate: () => {
      const normalised = normalise(values);
      const found = validate(normalised);
      setErrors(found);
      const firstInvalid = order.find((field) => found[field] !== undefined);
      if (firstInvalid) {
        inputs.current[firstInvalid]?.focus();
        return undefined;
      }
      return normalised;
    },
    reset: () => setValues(initial),
  };
}
