import { type FormEvent, useEffect, useRef, useState } from "react";
import type { PasswordChangeRequest, User } from "../../api/types";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import {
  PASSWORD_MIN_LENGTH,
  type PasswordChangeDetails,
  type PasswordChangeFieldErrors,
  validateConfirmation,
  validateNewPassword,
  validatePasswordChange,
} from "../auth/credentials";
import "./SettingsPage.css";

/** Fields the server may blame in a password-change refusal. */
export type PasswordChangeServerField = keyof PasswordChangeRequest;

export type SettingsPageProps = {
  user: User;
  /** Resolves to true once the password has changed, false when the server refused. */
  onChangePassword?: (request: PasswordChangeRequest) => Promise<boolean>;
  serverError?: string | null;
  fieldErrors?: Partial<Record<PasswordChangeServerField, string>>;
  onFieldChange?: (field: PasswordChangeServerField) => void;
  pending?: boolean;
};

type Field = keyof PasswordChangeDetails;
const FIELD_ORDER: readonly Field[] = ["currentPassword", "newPassword", "confirmPassword"];
const EMPTY: PasswordChangeDetails = { currentPassword: "", newPassword: "", confirmPassword: "" };
const NO_ERRORS: PasswordChangeFieldErrors = {};
const refuse = async () => false;
const doNothing = () => {};

/** Account details and changing the password. */
export function SettingsPage({
  user,
  onChangePassword = refuse,
  serverError = null,
  fieldErrors = NO_ERRORS,
  onFieldChange = doNothing,
  pending = false,
}: SettingsPageProps) {
  const [values, setValues] = useState<PasswordChangeDetails>(EMPTY);
  const [errors, setErrors] = useState<PasswordChangeFieldErrors>({});
  const [changed, setChanged] = useState(false);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("settings", headingRef);

  // A field the server blames (wrong current password…) gets focus.
  useEffect(() => {
    const blamed = FIELD_ORDER.find((field) => field !== "confirmPassword" && fieldErrors[field]);
    if (blamed) inputs.current[blamed]?.focus();
  }, [fieldErrors]);

  function check(field: Field, details: PasswordChangeDetails): string | undefined {
    if (field === "currentPassword") {
      return details.currentPassword === "" ? "Enter your current password" : undefined;
    }
    if (field === "newPassword") return validateNewPassword(details.newPassword, user.username);
    return validateConfirmation(details.newPassword, details.confirmPassword);
  }

  function handleChange(field: Field, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    setChanged(false);
    if (field !== "confirmPassword") onFieldChange(field);
    const dependants: Field[] = field === "newPassword" ? ["confirmPassword"] : [];
    const updated = { ...errors };
    for (const name of [field, ...dependants]) {
      if (updated[name] !== undefined) updated[name] = check(name, next);
    }
    setErrors(updated);
  }

  function handleBlur(field: Field, next: EventTarget | null) {
    // As on the sign-up page: only when moving on to another field, so the click on the button
    // is never swallowed by a message pushing it down.
    if (values[field] === "" || field === "currentPassword") return;
    if (!(next instanceof HTMLInputElement)) return;
    setErrors({ ...errors, [field]: check(field, values) });
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const found = validatePasswordChange(values, user.username);
    setErrors(found);
    const firstInvalid = FIELD_ORDER.find((field) => found[field] !== undefined);
    if (firstInvalid) {
      inputs.current[firstInvalid]?.focus();
      return;
    }
    const ok = await onChangePassword({
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    if (ok) {
      setValues(EMPTY);
      setChanged(true);
    }
  }

  function errorFor(field: Field): string | undefined {
    return errors[field] ?? (field === "confirmPassword" ? undefined : fieldErrors[field]);
  }

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Settings
        </h1>
        <p className="page-lead">Your account and how you sign in.</p>
      </header>

      <section className="panel" aria-labelledby="account-details-title">
        <h2 id="account-details-title" className="panel__title">
          Account
        </h2>
        <dl className="account-details">
          <div>
            <dt>Display name</dt>
            <dd>{user.displayName}</dd>
          </div>
          <div>
            <dt>Username</dt>
            <dd>{user.username}</dd>
          </div>
          <div>
            <dt>Matrix ID</dt>
            <dd>
              <code className="matrix-id">{user.matrixUserId}</code>
            </dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="password-title">
        <h2 id="password-title" className="panel__title">
          Change password
        </h2>
        <p className="panel__intro">
          This also changes the password you use in Element and other Matrix apps, and signs you out
          on every other device.
        </p>

        <div className="settings-messages">
          <div className="notice notice--error" role="alert">
            {serverError}
          </div>
          <div className="notice notice--success" role="status">
            {changed
              ? "Your password has been changed. You have been signed out on your other devices."
              : null}
          </div>
        </div>

        <form className="settings-form" noValidate onSubmit={handleSubmit} aria-busy={pending}>
          {/* Lets password managers tie the new password to the right account. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user.username}
            readOnly
            hidden
          />
          <TextField
            ref={(input) => {
              inputs.current.currentPassword = input;
            }}
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            value={values.currentPassword}
            error={errorFor("currentPassword")}
            onChange={(event) => handleChange("currentPassword", event.target.value)}
            onBlur={(event) => handleBlur("currentPassword", event.relatedTarget)}
          />
          <TextField
            ref={(input) => {
              inputs.current.newPassword = input;
            }}
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            hint={`At least ${PASSWORD_MIN_LENGTH} characters, without your username.`}
            value={values.newPassword}
            error={errorFor("newPassword")}
            onChange={(event) => handleChange("newPassword", event.target.value)}
            onBlur={(event) => handleBlur("newPassword", event.relatedTarget)}
          />
          <TextField
            ref={(input) => {
              inputs.current.confirmPassword = input;
            }}
            label="Confirm password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            value={values.confirmPassword}
            error={errorFor("confirmPassword")}
            onChange={(event) => handleChange("confirmPassword", event.target.value)}
            onBlur={(event) => handleBlur("confirmPassword", event.relatedTarget)}
          />
          <div className="settings-form__actions">
            <Button type="submit" disabled={pending}>
              {pending ? "Changing password…" : "Change password"}
            </Button>
          </div>
        </form>
      </section>
    </>
  );
}
