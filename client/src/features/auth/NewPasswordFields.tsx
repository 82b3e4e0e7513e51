import { TextField } from "../../ui/TextField";
import { PASSWORD_MIN_LENGTH } from "./credentials";
import type { CheckedFieldProps } from "./useCheckedForm";

export type NewPasswordFieldsProps = {
  /** "Password" when signing up, "New password" when changing it. */
  label: string;
  password: CheckedFieldProps;
  confirmation: CheckedFieldProps;
};

/** A new password and the same typed again, as password managers expect them. */
export function NewPasswordFields({ label, password, confirmation }: NewPasswordFieldsProps) {
  return (
    <>
      <TextField
        {...password}
        label={label}
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN_LENGTH} characters, without your username.`}
      />
      <TextField
        {...confirmation}
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        required
      />
    </>
  );
}
