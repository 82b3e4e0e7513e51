import { lazy, type ReactNode, Suspense } from "react";
import { ConnectionStatus } from "../features/connection/ConnectionBanner";
import { Link } from "../routing/Link";
import { PATHS } from "../routing/paths";
import { initialOf } from "../ui/Avatar";
import { BrandMark } from "../ui/BrandMark";
import { Button } from "../ui/Button";
import "./AppShell.css";

// Calls load after sign-in, in their own chunk: livekit-client never reaches the sign-in page.
const loadCallLayer = () => import("../features/calls/CallLayer");
const CallLayer = lazy(() => loadCallLayer().then((m) => ({ default: m.CallLayer })));

/** Starts loading the shell's call layer before the shell is first rendered (see App.tsx). */
export function preloadAppShell(): void {
  // A chunk that fails to load here is tried again when the shell renders.
  loadCallLayer().catch(() => undefined);
}

export type AppShellProps = {
  /** The current path, to mark the current navigation link. */
  path: string;
  displayName: string;
  onSignOut: () => void;
  signingOut?: boolean;
  /** False while Sign out cannot work yet (the session is still being checked). */
  canSignOut?: boolean;
  /** Why signing out failed, if it did. */
  signOutError?: string | null;
  /** Incoming partner requests waiting for an answer, shown as a badge on "Requests". */
  pendingRequests?: number;
  children: ReactNode;
};

const NAVIGATION = [
  { to: PATHS.home, label: "Home" },
  { to: PATHS.chats, label: "Chats" },
  { to: PATHS.search, label: "Search" },
  { to: PATHS.findPartners, label: "Find partners" },
  { to: PATHS.requests, label: "Requests" },
  { to: PATHS.partners, label: "Partners" },
  { to: PATHS.profile, label: "Profile" },
  { to: PATHS.settings, label: "Settings" },
] as const;

/**
 * The frame around every signed-in screen: brand, navigation, who is signed in, sign out, and the
 * banner that says when chat is offline or reconnecting.
 */
export function AppShell({
  path,
  displayName,
  onSignOut,
  signingOut = false,
  canSignOut = true,
  signOutError = null,
  pendingRequests = 0,
  children,
}: AppShellProps) {
  return (
    <div className="shell">
      <a className="shell__skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__bar">
          <Link to={PATHS.home} className="shell__brand" aria-label="Xstream home">
            <BrandMark size={32} />
            <span className="shell__brand-name" aria-hidden="true">
              Xstream
            </span>
          </Link>

          <nav className="shell__nav" aria-label="Main">
            <ul>
              {NAVIGATION.map(({ to, label }) => {
                const badge = to === PATHS.requests && pendingRequests > 0 ? pendingRequests : 0;
                return (
                  <li key={to}>
                    <Link
                      to={to}
                      className="shell__nav-link"
                      aria-current={path === to ? "page" : undefined}
                      aria-label={badge > 0 ? `${label}, ${badge} pending` : undefined}
                    >
                      {label}
                      {badge > 0 && (
                        <span className="badge" aria-hidden="true">
                          {badge}
                        </span>
                      )}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>

          <div className="shell__account">
            <span className="shell__user" title={displayName}>
              <span className="shell__avatar" aria-hidden="true">
                {initialOf(displayName)}
              </span>
              <span className="shell__user-name">{displayName}</span>
            </span>
            <Button variant="secondary" onClick={onSignOut} disabled={signingOut || !canSignOut}>
              {signingOut ? "Signing out…" : "Sign out"}
            </Button>
          </div>
        </div>
        <div className="shell__alert notice notice--error" role="alert">
          {signOutError}
        </div>
      </header>
      <ConnectionStatus />
      <Suspense fallback={null}>
        <CallLayer />
      </Suspense>

      <main id="main" className="shell__main">
        {children}
      </main>
    </div>
  );
}
