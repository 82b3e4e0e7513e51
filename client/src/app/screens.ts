import type { SessionState } from "../features/auth/SessionStore";

export type Screen = "loading" | "signIn" | "signUp" | "home" | "settings";

const SIGNED_IN_SCREENS: Record<string, Screen> = { "/": "home", "/settings": "settings" };

/** Paths that only make sense signed in. */
export function isPrivatePath(path: string): boolean {
  return path in SIGNED_IN_SCREENS;
}

/**
 * Which screen to show for the session and path, and the path to put in the address bar when
 * the current one does not fit (signed out on a private page, signed in on /signin…).
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
      if (path === "/signup") return { screen: "signUp", redirect: null };
      return { screen: "signIn", redirect: path === "/signin" ? null : "/signin" };
    case "signedIn": {
      const screen = SIGNED_IN_SCREENS[path];
      if (screen) return { screen, redirect: null };
      const target = path === "/signin" || path === "/signup" ? (returnTo ?? "/") : "/";
      return { screen: SIGNED_IN_SCREENS[target] ?? "home", redirect: target };
    }
  }
}
