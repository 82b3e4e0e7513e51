/**
 * Client-side checks that mirror the bridge's rules, so people learn what is wrong before a round
 * trip. The server stays the authority: it also refuses taken and reserved names and common
 * passwords, and those answers are shown on the same fields.
 */
import {
  DISPLAY_NAME_MAX_LENGTH,
  lengthInCodePoints,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from "@xstream/contract/limits";

/** What the user types to sign in. */
export type SignInCredentials = {
  username: string;
  password: string;
};

export type SignInFieldErrors = Partial<Record<keyof SignInCredentials, string>>;

/**
 * Both fields must be filled in. Whether the account exists and the password is right is for
 * the server to say.
 */
export function validateSignIn(credentials: SignInCredentials): SignInFieldErrors {
  const errors: SignInFieldErrors = {};
  if (credentials.username.trim() === "") errors.username = "Enter your username";
  // Passwords are not trimmed: leading or trailing spaces may be part of them.
  if (credentials.password === "") errors.password = "Enter your password";
  return errors;
}

/** Matrix localpart characters the bridge accepts (lower-case only). */
const USERNAME_CHARACTERS = /^[a-z0-9._=\-/]+$/;
/** The symbols allowed in usernames, joined by no-break spaces so they never wrap apart. */
export const USERNAME_SYMBOLS = ". _ = - /".replaceAll(" ", "\u00a0");
// The bridge's limits, from the /api contract, checked here to say so early.
export { DISPLAY_NAME_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH };

export function validateUsername(username: string): string | undefined {
  if (username === "") return "Choose a username";
  if (!USERNAME_CHARACTERS.test(username)) {
    return USERNAME_CHARACTERS.test(username.toLowerCase())
      ? "Use lower-case letters only"
      : `Use only lower-case letters, digits and ${USERNAME_SYMBOLS}`;
  }
  if (username.length < USERNAME_MIN_LENGTH) {
    return `Use at least ${USERNAME_MIN_LENGTH} characters`;
  }
  if (username.length > USERNAME_MAX_LENGTH) {
    return `Use at most ${USERNAME_MAX_LENGTH} characters`;
  }
  return undefined;
}

export function validateDisplayName(displayName: string): string | undefined {
  if (displayName.trim() === "") return "Enter the name other learners will see";
  // Counted as the bridge counts (in code points): an emoji is one character, not two.
  if (lengthInCodePoints(displayName.trim()) > DISPLAY_NAME_MAX_LENGTH) {
    return `Use at most ${DISPLAY_NAME_MAX_LENGTH} characters`;
  }
  return undefined;
}

/** A new password: long enough and not built from the username (checked once that is valid). */
export function validateNewPassword(password: string, username: string): string | undefined {
  if (password === "") return "Choose a password";
  if (lengthInCodePoints(password) < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (
    validateUsername(username) === undefined &&
    password.toLowerCase().includes(username.toLowerCase())
  ) {
    return "Don't include your username in your password";
  }
  return undefined;
}

export function validateConfirmation(password: string, confirmation: string): string | undefined {
  if (confirmation === "") return "Type the password again";
  if (confirmation !== password) return "The passwords don't match";
  return undefined;
}

export type SignUpDetails = {
  username: string;
  displayName: string;
  password: string;
  confirmPassword: string;
};

export type SignUpFieldErrors = Partial<Record<keyof SignUpDetails, string>>;

/** Expects the username and display name already trimmed. */
export function validateSignUp(details: SignUpDetails): SignUpFieldErrors {
  return withoutEmpty({
    username: validateUsername(details.username),
    displayName: validateDisplayName(details.displayName),
    password: validateNewPassword(details.password, details.username),
    confirmPassword: validateConfirmation(details.password, details.confirmPassword),
  });
}

export type PasswordChangeDetails = {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
};

export type PasswordChangeFieldErrors = Partial<Record<keyof PasswordChangeDetails, string>>;

export function validatePasswordChange(
  details: PasswordChangeDetails,
  username: string,
): PasswordChangeFieldErrors {
  return withoutEmpty({
    currentPassword: details.currentPassword === "" ? "Enter your current password" : undefined,
    newPassword: validateNewPassword(details.newPassword, username),
    confirmPassword: validateConfirmation(details.newPassword, details.confirmPassword),
  });
}

function withoutEmpty<K extends string>(
  errors: Record<K, string | undefined>,
): Partial<Record<K, string>> {
  const found: Partial<Record<K, string>> = {};
  for (const key of Object.keys(errors) as K[]) {
    const message = errors[key];
    if (message !== undefined) found[key] = message;
  }
  return found;
}
