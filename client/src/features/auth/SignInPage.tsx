import { type FormEvent, useRef, useState } from "react";
import { BrandMark } from "../../ui/BrandMark";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { type SignInCredentials, type SignInFieldErrors, validateSignIn } from "./credentials";
import "./SignInPage.css";

export type SignInPageProps = {
  /** Called with the trimmed username and the password once both are filled in. */
  onSignIn?: (credentials: SignInCredentials) => void | Promise<void>;
  /** Called when the user asks to create an account instead. */
  onCreateAccount?: () => void;
  /** A message from the server (e.g. wrong password), announced to screen readers. */
  serverError?: string | null;
  /** True while a sign-in request is in flight: the form is locked and the button says so. */
  pending?: boolean;
};

const doNothing = () => {};

export function SignInPage({
  onSignIn = doNothing,
  onCreateAccount = doNothing,
  serverError = null,
  pending = false,
}: SignInPageProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<SignInFieldErrors>({});
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const credentials = { username: username.trim(), password };
    const found = validateSignIn(credentials);
    setErrors(found);
    if (found.username) {
      usernameRef.current?.focus();
      return;
    }
    if (found.password) {
      passwordRef.current?.focus();
      return;
    }
    void onSignIn(credentials);
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
        <h2 id="sign-in-title" className="auth-card__title">
          Sign in
        </h2>

        {/* Always rendered so screen readers announce text when it appears. */}
        <div className="auth-card__server-error" role="alert">
          {serverError}
        </div>

        <form className="auth-form" noValidate onSubmit={handleSubmit} aria-busy={pending}>
          <TextField
            ref={usernameRef}
            label="Username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            value={username}
            error={errors.username}
            onChange={(event) => {
              setUsername(event.target.value);
              if (errors.username) setErrors({ ...errors, username: undefined });
            }}
          />

          <TextField
            ref={passwordRef}
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            error={errors.password}
            onChange={(event) => {
              setPassword(event.target.value);
              if (errors.password) setErrors({ ...errors, password: undefined });
            }}
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
