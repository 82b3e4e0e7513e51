import { type FormEvent, useRef } from "react";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { AuthPage, USERNAME_INPUT } from "./AuthPage";
import { type SignInCredentials, type SignInFieldErrors, validateSignIn } from "./credentials";
import { useCheckedForm } from "./useCheckedForm";

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
  /**
   * Called when the person starts typing a password: they are about to sign in, so what the
   * signed-in app needs can start loading (after the page is interactive, never before).
   */
  onSigningIn?: () => void;
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
  onSigningIn = doNothing,
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
    <AuthPage
      title="Sign in"
      titleId="sign-in-title"
      headingRef={headingRef}
      notice={notice}
      serverError={serverError}
      switchPrompt="New to Xstream?"
      switchLabel="Create an account"
      onSwitch={onCreateAccount}
      footer={<p>Built on Matrix: your account also works in Element and other Matrix apps.</p>}
    >
      <form
        className="auth-form"
        noValidate
        onSubmit={handleSubmit}
        onInput={(event) => {
          if ((event.target as HTMLInputElement).type === "password") onSigningIn();
        }}
        aria-busy={pending}
      >
        <TextField {...form.field("username")} {...USERNAME_INPUT} />

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
    </AuthPage>
  );
}
