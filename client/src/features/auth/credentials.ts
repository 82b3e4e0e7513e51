/** What the user types to sign in; sent to the bridge's `/api/auth/*` by later work. */
export type SignInCredentials = {
  username: string;
  password: string;
};

export type SignInFieldErrors = Partial<Record<keyof SignInCredentials, string>>;

/**
 * Client-side checks only: both fields must be filled in. Whether the account exists and the
 * password is right is for the server to say.
 */
export function validateSignIn(credentials: SignInCredentials): SignInFieldErrors {
  const errors: SignInFieldErrors = {};
  if (credentials.username.trim() === "") errors.username = "Enter your username";
  // Passwords are not trimmed: leading or trailing spaces may be part of them.
  if (credentials.password === "") errors.password = "Enter your password";
  return errors;
}
