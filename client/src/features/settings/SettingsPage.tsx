import { type FormEvent, useRef, useState } from "react";
import type { PasswordChangeRequest, User } from "../../api/types";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import {
  NewPasswordFields,
  type PasswordChangeDetails,
  type PasswordChangeFieldErrors,
  useCheckedForm,
  validateConfirmation,
  validateNewPassword,
  validatePasswordChange,
} from "../auth";
import { EmailSettings } from "../email";
import { NotificationSettings } from "../notifications";
import { BackgroundPushSetting } from "../push";
import { RecoverySettings } from "../recovery";
import { AppearanceSettings } from "./AppearanceSettings";
import { ChatPrivacySettings } from "./ChatPrivacySettings";
import type { ThemeController } from "./theme";
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
  /** The page's theme (tests give their own). */
  theme?: ThemeController;
};

type Field = keyof PasswordChangeDetails;
const FIELD_ORDER: readonly Field[] = ["currentPassword", "newPassword", "confirmPassword"];
const SERVER_FIELDS: readonly PasswordChangeServerField[] = ["currentPassword", "newPassword"];
const DEPENDANTS: Partial<Record<Field, readonly Field[]>> = { newPassword: ["confirmPassword"] };
const NOT_CHECKED_ON_BLUR: readonly Field[] = ["currentPassword"];
const EMPTY: PasswordChangeDetails = { currentPassword: "", newPassword: "", confirmPassword: "" };
const NO_ERRORS: PasswordChangeFieldErrors = {};
const refuse = async () => false;
const doNothing = () => {};

/** Account details, changing the password, chat privacy and the theme. */
export function SettingsPage({
  user,
  onChangePassword = refuse,
  serverError = null,
  fieldErrors = NO_ERRORS,
  onFieldChange = doNothing,
  pending = false,
  theme,
}: SettingsPageProps) {
  const matrix = useOptionalMatrixClient();
  const [changed, setChanged] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("settings", headingRef);
  // After the page arrival, so a field the server blames takes the focus from the heading.
  const form = useCheckedForm({
    initial: EMPTY,
    order: FIELD_ORDER,
    serverFields: SERVER_FIELDS,
    check,
    validate: (values) => validatePasswordChange(values, user.username),
    dependants: DEPENDANTS,
    // As on the sign-up page, fields are judged on moving to another one; an empty current
    // password is only worth saying on submit.
    notCheckedOnBlur: NOT_CHECKED_ON_BLUR,
    fieldErrors,
    onFieldChange,
    onEdit: () => setChanged(false),
  });

  function check(field: Field, details: PasswordChangeDetails): string | undefined {
    if (field === "currentPassword") {
      return details.currentPassword === "" ? "Enter your current password" : undefined;
    }
    if (field === "newPassword") return validateNewPassword(details.newPassword, user.username);
    return validateConfirmation(details.newPassword, details.confirmPassword);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const values = form.validate();
    if (!values) return;
    const ok = await onChangePassword({
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    if (ok) {
      form.reset();
      setChanged(true);
    }
  }

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Settings
        </h1>
        <p className="page-lead">
          Your account, how you sign in, notifications, privacy and appearance.
        </p>
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
            {...form.field("currentPassword")}
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
          />
          <NewPasswordFields
            label="New password"
            password={form.field("newPassword")}
            confirmation={form.field("confirmPassword")}
          />
          <div className="settings-form__actions">
            <Button type="submit" disabled={pending}>
              {pending ? "Changing password…" : "Change password"}
            </Button>
          </div>
        </form>
      </section>

      <NotificationSettings client={matrix?.client ?? null} />
      <BackgroundPushSetting connected={Boolean(matrix?.client)} />
      <EmailSettings client={matrix?.client ?? null} />
      <ChatPrivacySettings client={matrix?.client ?? null} />
      <RecoverySettings />
      <AppearanceSettings theme={theme} />
    </>
  );
}
