import { type FormEvent, useRef } from "react";
import type { SignUpRequest } from "../../api/types";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { AuthPage, USERNAME_INPUT } from "./AuthPage";
import {
  type SignUpDetails,
  type SignUpFieldErrors,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_SYMBOLS,
  validateConfirmation,
  validateDisplayName,
  validateNewPassword,
  validateSignUp,
  validateUsername,
} from "./credentials";
import { NewPasswordFields } from "./NewPasswordFields";
import { useCheckedForm } from "./useCheckedForm";

/** Fields the server may blame in a sign-up refusal. */
export type SignUpServerField = keyof SignUpRequest;

export type SignUpPageProps = {
  /** Called with the trimmed username and display name once every field passes the rules. */
  onSignUp?: (request: SignUpRequest) => unknown;
  /** Called when the person already has an account and wants to sign in. */
  onSignIn?: () => void;
  /** A message from the server that belongs to no field (rate limit, network…). */
  serverError?: string | null;
  /** Messages from the server placed on the field they name. */
  fieldErrors?: Partial<Record<SignUpServerField, string>>;
  /** Called when the person edits a field, so its server message can be cleared. */
  onFieldChange?: (field: SignUpServerField) => void;
  /** True while the account is being created. */
  pending?: boolean;
};

type Field = keyof SignUpDetails;
const FIELD_ORDER: readonly Field[] = ["username", "displayName", "password", "confirmPassword"];
const SERVER_FIELDS: readonly SignUpServerField[] = ["username", "displayName", "password"];
const EMPTY: SignUpDetails = { username: "", displayName: "", password: "", confirmPassword: "" };
const DEPENDANTS: Partial<Record<Field, readonly Field[]>> = {
  username: ["password"],
  password: ["confirmPassword"],
};
const NO_ERRORS: SignUpFieldErrors = {};
const doNothing = () => {};

/** The rule for one field given everything typed so far. */
function checkField(field: Field, details: SignUpDetails): string | undefined {
  switch (field) {
    case "username":
      return validateUsername(details.username);
    case "displayName":
      return validateDisplayName(details.displayName);
    case "password":
      return validateNewPassword(details.password, details.username);
    case "confirmPassword":
      return validateConfirmation(details.password, details.confirmPassword);
  }
}

/** What the rules say, trimmed as it will be sent. */
function normalised(details: SignUpDetails): SignUpDetails {
  return {
    ...details,
    username: details.username.trim(),
    displayName: details.displayName.trim(),
  };
}

export function SignUpPage({
  onSignUp = doNothing,
  onSignIn = doNothing,
  serverError = null,
  fieldErrors = NO_ERRORS,
  onFieldChange = doNothing,
  pending = false,
}: SignUpPageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("create an account", headingRef);
  // After the page arrival, so a field the server blames takes the focus from the heading.
  const form = useCheckedForm({
    initial: EMPTY,
    order: FIELD_ORDER,
    serverFields: SERVER_FIELDS,
    check: checkField,
    validate: validateSignUp,
    dependants: DEPENDANTS,
    normalise: normalised,
    fieldErrors,
    onFieldChange,
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const details = form.validate();
    if (!details) return;
    void onSignUp({
      username: details.username,
      displayName: details.displayName,
      password: details.password,
    });
  }

  return (
    <AuthPage
      title="Create your account"
      titleId="sign-up-title"
      headingRef={headingRef}
      serverError={serverError}
      switchPrompt="Already have an account?"
      switchLabel="Sign in instead"
      onSwitch={onSignIn}
      footer={
        <p>
          Your account is a Matrix account: use the same username and password in Element and other
          Matrix apps.
        </p>
      }
    >
      <form className="auth-form" noValidate onSubmit={handleSubmit} aria-busy={pending}>
        <TextField
          {...form.field("username")}
          {...USERNAME_INPUT}
          hint={`${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} lower-case letters, digits or ${USERNAME_SYMBOLS}`}
        />

        <TextField
          {...form.field("displayName")}
          label="Display name"
          autoComplete="nickname"
          required
          hint="What your partners see. You can change it later."
        />

        <NewPasswordFields
          label="Password"
          password={form.field("password")}
          confirmation={form.field("confirmPassword")}
        />

        <Button type="submit" fullWidth disabled={pending}>
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
    </AuthPage>
  );
}
