import { SignInPage } from "../features/auth/SignInPage";

/**
 * Top-level screen switch. For now there is no session, so it is always the sign-in page; later
 * this picks between signed-out screens (sign in, sign up) and the signed-in app.
 */
export function App() {
  return <SignInPage />;
}
