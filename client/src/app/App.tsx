import { type ReactNode, useCallback, useEffect, useState } from "react";
import type { PasswordChangeRequest, SignInRequest, SignUpRequest, User } from "../api/types";
import type { SignedOutReason } from "../features/auth/SessionStore";
import { SignInPage } from "../features/auth/SignInPage";
import { SignUpPage } from "../features/auth/SignUpPage";
import { useFormSubmission } from "../features/auth/useFormSubmission";
import { SessionProvider, useSession } from "../features/auth/useSession";
import { HomePage } from "../features/home/HomePage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { MatrixConnectionProvider, useMatrixClient } from "../matrix/useMatrixClient";
import { navigate, usePathname } from "../routing/router";
import { BrandMark } from "../ui/BrandMark";
import { AppShell } from "./AppShell";
import { isPrivatePath, resolveScreen } from "./screens";
import type { AppServices } from "./services";

/** Top-level: provides the services and shows the screen for the session and the path. */
export function App({ services }: { services: AppServices }) {
  return (
    <SessionProvider store={services.session}>
      <MatrixConnectionProvider connection={services.matrix}>
        <Screens />
      </MatrixConnectionProvider>
    </SessionProvider>
  );
}

function Screens() {
  const { state, session } = useSession();
  const path = usePathname();
  // Where a visitor whose session ended was headed, to go back there after signing in.
  const [returnTo, setReturnTo] = useState<string | null>(null);

  useEffect(() => {
    void session.restore();
  }, [session]);

  const { screen, redirect } = resolveScreen(state, path, returnTo);

  useEffect(() => {
    if (redirect === null) return;
    if (state.status === "signedOut") {
      setReturnTo(state.reason !== "signedOut" && isPrivatePath(path) ? path : null);
    } else {
      setReturnTo(null);
    }
    navigate(redirect, { replace: true });
  }, [redirect, state, path]);

  switch (screen) {
    case "loading":
      return <LoadingScreen />;
    case "signIn":
      return <SignInScreen reason={state.status === "signedOut" ? state.reason : null} />;
    case "signUp":
      return <SignUpScreen />;
    case "home":
    case "settings":
      if (state.status !== "signedIn") return null;
      return (
        <SignedInFrame path={path} user={state.user}>
          {screen === "home" ? (
            <HomeScreen user={state.user} />
          ) : (
            <SettingsScreen user={state.user} />
          )}
        </SignedInFrame>
      );
  }
}

function LoadingScreen() {
  return (
    <main className="loading-screen" aria-busy="true">
      <BrandMark size={48} />
      <p role="status">Loading Xstream…</p>
    </main>
  );
}

const NOTICES: Record<SignedOutReason, string> = {
  sessionEnded: "Your session has ended. Please sign in again.",
  signedOut: "You have signed out.",
  unreachable: "Couldn't reach Xstream to restore your session. Check your connection and sign in.",
};

const SIGN_IN_FIELDS = ["username", "password"] as const;

function SignInScreen({ reason }: { reason: SignedOutReason | null }) {
  const { session } = useSession();
  const signIn = useCallback((request: SignInRequest) => session.signIn(request), [session]);
  const form = useFormSubmission(signIn, SIGN_IN_FIELDS);
  return (
    <SignInPage
      onSignIn={form.submit}
      onCreateAccount={() => navigate("/signup")}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
      notice={reason && !form.formError ? NOTICES[reason] : null}
    />
  );
}

const SIGN_UP_FIELDS = ["username", "displayName", "password"] as const;

function SignUpScreen() {
  const { session } = useSession();
  const signUp = useCallback((request: SignUpRequest) => session.signUp(request), [session]);
  const form = useFormSubmission(signUp, SIGN_UP_FIELDS);
  return (
    <SignUpPage
      onSignUp={form.submit}
      onSignIn={() => navigate("/signin")}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
    />
  );
}

const NO_FIELDS = [] as const;

function SignedInFrame({
  path,
  user,
  children,
}: {
  path: string;
  user: User;
  children: ReactNode;
}) {
  const { session } = useSession();
  const signOut = useCallback(() => session.signOut(), [session]);
  const form = useFormSubmission(signOut, NO_FIELDS);
  return (
    <AppShell
      path={path}
      displayName={user.displayName}
      onSignOut={() => void form.submit(undefined)}
      signingOut={form.pending}
      signOutError={form.formError}
    >
      {children}
    </AppShell>
  );
}

function HomeScreen({ user }: { user: User }) {
  const matrix = useMatrixClient();
  return <HomePage user={user} matrix={matrix} onRetryMatrix={matrix.retry} />;
}

const PASSWORD_FIELDS = ["currentPassword", "newPassword"] as const;

function SettingsScreen({ user }: { user: User }) {
  const { session } = useSession();
  const changePassword = useCallback(
    (request: PasswordChangeRequest) => session.changePassword(request),
    [session],
  );
  const form = useFormSubmission(changePassword, PASSWORD_FIELDS);
  return (
    <SettingsPage
      user={user}
      onChangePassword={form.submit}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
    />
  );
}
