import { type FormEvent, useRef } from "react";
import { usePageArrival } from "../../routing/usePageArrival";
import { BrandMark } from "../../ui/BrandMark";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { type SignInCredentials, type SignInFieldErrors, validateSignIn } from "./credentials";
import { useCheckedForm } from "./useCheckedForm";
import "./SignInPage.css";

export type SignInPageProps = {
  /** Called with the trimmed username and the password once both are filled in. */
  onSignIn?: (credentials: SignInCredentials) => unknown;
  /** Called when the user asks to create an account instead. */
  onCreateAccount?: () => void;
  /** A message from the server (e.g. wrong password), announced to screen readers. */
  serverError?: string | null;
  /** Messages from the server that belong to one field; shown under it. */
  fieldErrors?: SignInFieldErrors;
  /** Called when the person edits a field, so its server message can be cleared. */
  onFieldChange?: (field: keyof SignInCredentials) => void;
  /** True while a sign-in request is in flight: the form is locked and the button says so. */
  pending?: boolean;
  /** Why the person is here (e.g. their session ended); not an error. */
  notice?: string | null;
};

const NO_ERRORS: SignInFieldErrors = {};

type Field = keyof SignInCredentials;
const FIELDS: readonly Field[] = ["username", "password"];
const EMPTY: SignInCredentials = { username: "", password: "" };
const checkField = (field: Field, values: SignInCredentials) => validateSignIn(values)[field];
// Passwords are not trimmed: leading or trailing spaces may be part of them.
const normalised = (values: SignInCredentials) => ({ ...values, username: values.username.trim() });

const doNothing = () => {};

export function SignInPage({
  onSignIn = doNothing,
  onCreateAccount = doNothing,
  serverError = null,
  fieldErrors = NO_ERRORS,
  onFieldChange = doNothing,
  pending = false,
  notice = null,
}: SignInPageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("sign in", headingRef);
  // Both fields only need filling in, so they are judged on submitting, not on leaving them.
  const form = useCheckedForm({
    initial: EMPTY,
    order: FIELDS,
    serverFields: FIELDS,
    check: checkField,
    validate: validateSignIn,
    notCheckedOnBlur: FIELDS,
    normalise: normalised,
    fieldErrors,
    onFieldChange,
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const credentials = form.validate();
    if (credentials) void onSignIn(credentials);
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

      <section className="auth-card" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title" className="auth-card__title" ref={headingRef} tabIndex={-1}>
          Sign in
        </h2>

        {notice && (
          <p className="auth-card__notice notice" role="status">
            {notice}
          </p>
        )}

        {/* Always rendered so screen readers announce text when it appears. */}
        <div className="auth-card__server-error" role="alert">
          {serverError}
        </div>

        <form className="auth-form" noValidate onSubmit={handleSubmit} aria-busy={pending}>
          <TextField
            {...form.field("username")}
            label="Username"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
          />

          <TextField
            {...form.field("password")}
            label="Password"
            type="password"
            autoComplete="current-password"
            required
          />

          <Button type="submit" fullWidth disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>

        <p className="auth-card__switch">
          New to Xstream?{" "}
          <Button variant="link" onClick={onCreateAccount}>
            Create an account
          </Button>
        </p>
      </section>

      <footer className="auth-footer">
        <p>Built on Matrix: your account also works in Element and other Matrix apps.</p>
      </footer>
    </main>
  );
}
