import type { SessionState } from "../features/auth/SessionStore";
import { PATHS, roomIdFromPath } from "../routing/paths";

export type Screen =
  | "loading"
  | "signIn"
  | "signUp"
  | "home"
  | "chats"
  | "settings"
  | "welcome"
  | "profile"
  | "findPartners"
  | "requests"
  | "partners"
  | "room"
  | "search";

type SignedInScreen = Exclude<Screen, "loading" | "signIn" | "signUp">;

const SIGNED_IN_SCREENS: Record<string, SignedInScreen> = {
  [PATHS.home]: "home",
  [PATHS.chats]: "chats",
  [PATHS.settings]: "settings",
  [PATHS.welcome]: "welcome",
  [PATHS.profile]: "profile",
  [PATHS.findPartners]: "findPartners",
  [PATHS.requests]: "requests",
  [PATHS.partners]: "partners",
  [PATHS.search]: "search",
};

function signedInScreen(path: string): SignedInScreen | undefined {
  if (Object.hasOwn(SIGNED_IN_SCREENS, path)) return SIGNED_IN_SCREENS[path];
  return roomIdFromPath(path) === null ? undefined : "room";
}

/** Paths that only make sense signed in. */
export function isPrivatePath(path: string): boolean {
  return signedInScreen(path) !== undefined;
}

/**
 * Which screen to show for the session and path, and the path to put in the address bar when
 * the current one does not fit (signed out on a private page, signed in on /signin…). A new
 * account goes to onboarding first.
 */
export function resolveScreen(
  state: SessionState,
  path: string,
  returnTo: string | null,
): { screen: Screen; redirect: string | null } {
  switch (state.status) {
    case "loading":
      return { screen: "loading", redirect: null };
    case "signedOut":
      if (path === PATHS.signUp) return { screen: "signUp", redirect: null };
      return { screen: "signIn", redirect: path === PATHS.signIn ? null : PATHS.signIn };
    case "signedIn": {
      const screen = signedInScreen(path);
      if (screen) return { screen, redirect: null };
      const leavingSignIn = path === PATHS.signIn || path === PATHS.signUp;
      let target: string = PATHS.home;
      if (leavingSignIn) target = state.newAccount ? PATHS.welcome : (returnTo ?? PATHS.home);
      return { screen: signedInScreen(target) ?? "home", redirect: target };
    }
  }
}

/**
 * The screen a path can show from this browser's cache while the session check is in flight
 * (only the Chats page keeps what it showed), or null: that path waits for the check.
 */
export function restoredScreen(path: string): "chats" | null {
  return path === PATHS.chats ? "chats" : null;
}
