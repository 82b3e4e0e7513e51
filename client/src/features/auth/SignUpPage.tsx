import { type FormEvent, useEffect, useRef, useState } from "react";
import type { SignUpRequest } from "../../api/types";
import { usePageArrival } from "../../routing/usePageArrival";
import { BrandMark } from "../../ui/BrandMark";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import {
  PASSWORD_MIN_LENGTH,
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
import "./SignInPage.css";

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

export function SignUpPage({
  onSignUp = doNothing,
  onSignIn = doNothing,
  serverError = null,
  fieldErrors = NO_ERRORS,
  onFieldChange = doNothing,
  pending = false,
}: SignUpPageProps) {
  const [values, setValues] = useState<SignUpDetails>({
    username: "",
    displayName: "",
    password: "",
    confirmPassword: "",
  });
  const [errors, setErrors] = useState<SignUpFieldErrors>({});
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const focus = (field: Field) => inputs.current[field]?.focus();
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("create an account", headingRef);

  // A field the server blames (name taken, common password…) gets focus.
  useEffect(() => {
    const blamed = FIELD_ORDER.find((field) => field !== "confirmPassword" && fieldErrors[field]);
    if (blamed) inputs.current[blamed]?.focus();
  }, [fieldErrors]);

  /** What the rules say, trimmed as it will be sent. */
  function normalised(details: SignUpDetails): SignUpDetails {
    return {
      ...details,
      username: details.username.trim(),
      displayName: details.displayName.trim(),
    };
  }

  function handleChange(field: Field, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    if (field !== "confirmPassword") onFieldChange(field);
    // Once a message is showing, keep it in step with what is typed so it goes away when fixed.
    // Fields whose rule depends on this one are re-checked too.
    const dependants: Field[] =
      field === "username" ? ["password"] : field === "password" ? ["confirmPassword"] : [];
    const updated = { ...errors };
    for (const name of [field, ...dependants]) {
      if (updated[name] !== undefined) updated[name] = checkField(name, normalised(next));
    }
    setErrors(updated);
  }

  function handleBlur(field: Field, next: EventTarget | null) {
    // Judge a field when the person moves on to another one, but not one they have not started
    // on. Not when they go for a button: a message appearing would push the button away from
    // under the pointer and swallow the click; submitting checks everything anyway.
    if (values[field] === "" || !(next instanceof HTMLInputElement)) return;
    setErrors({ ...errors, [field]: checkField(field, normalised(values)) });
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const details = normalised(values);
    const found = validateSignUp(details);
    setErrors(found);
    const firstInvalid = FIELD_ORDER.find((field) => found[field] !== undefined);
    if (firstInvalid) {
      focus(firstInvalid);
      return;
    }
    void onSignUp({
      username: details.username,
      displayName: details.displayName,
      password: details.password,
    });
  }

  function errorFor(field: Field): string | undefined {
    return errors[field] ?? (field === "confirmPassword" ? undefined : fieldErrors[field]);
  }

  return (
    <main className="auth-page">
      <header className="auth-brand">
        <BrandMark size={48} />
        <h1 className="auth-brand__name">Xstream</h1>
        <p className="auth-brand__tagline">
          Swap languages with native speakers: teach yours, learn theirs.
        </p>
      </header>

      <section className="auth-card" aria-labelledby="sign-up-title">
        <h2 id="sign-up-title" className="auth-card__title" ref={headingRef} tabIndex={-1}>
          Create your account
        </h2>

        <div className="auth-card__server-error" role="alert">
          {serverError}
        </div>

        <form className="auth-form" noValidate onSubmit={handleSubmit} aria-busy={pending}>
          <TextField
            ref={(input) => {
              inputs.current.username = input;
            }}
            label="Username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            hint={`${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} lower-case letters, digits or ${USERNAME_SYMBOLS}`}
            value={values.username}
            error={errorFor("username")}
            onChange={(event) => handleChange("username", event.target.value)}
            onBlur={(event) => handleBlur("username", event.relatedTarget)}
          />

          <TextField
            ref={(input) => {
              inputs.current.displayName = input;
            }}
            label="Display name"
            name="displayName"
            autoComplete="nickname"
            required
            hint="What your partners see. You can change it later."
            value={values.displayName}
            error={errorFor("displayName")}
            onChange={(event) => handleChange("displayName", event.target.value)}
            onBlur={(event) => handleBlur("displayName", event.relatedTarget)}
          />

          <TextField
            ref={(input) => {
              inputs.current.password = input;
            }}
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            hint={`At least ${PASSWORD_MIN_LENGTH} characters, without your username.`}
            value={values.password}
            error={errorFor("password")}
            onChange={(event) => handleChange("password", event.target.value)}
            onBlur={(event) => handleBlur("password", event.relatedTarget)}
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

          <Button type="submit" fullWidth disabled={pending}>
            {pending ? "Creating account…" : "Create account"}
          </Button>
        </form>

        <p className="auth-card__switch">
          Already have an account?{" "}
          <Button variant="link" onClick={onSignIn}>
            Sign in instead
          </Button>
        </p>
      </section>

      <footer className="auth-footer">
        <p>
          Your account is a Matrix account: use the same username and password in Element and other
          Matrix apps.
        </p>
      </footer>
    </main>
  );
}
