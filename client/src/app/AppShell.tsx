import type { ReactNode } from "react";
import { Link } from "../routing/Link";
import { BrandMark } from "../ui/BrandMark";
import { Button } from "../ui/Button";
import "./AppShell.css";

export type AppShellProps = {
  /** The current path, to mark the current navigation link. */
  path: string;
  displayName: string;
  onSignOut: () => void;
  signingOut?: boolean;
  /** Why signing out failed, if it did. */
  signOutError?: string | null;
  children: ReactNode;
};

const NAVIGATION = [
  { to: "/", label: "Home" },
  { to: "/settings", label: "Settings" },
] as const;

/** The frame around every signed-in screen: brand, navigation, who is signed in, sign out. */
export function AppShell({
  path,
  displayName,
  onSignOut,
  signingOut = false,
  signOutError = null,
  children,
}: AppShellProps) {
  return (
    <div className="shell">
      <a className="shell__skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__bar">
          <Link to="/" className="shell__brand" aria-label="Xstream home">
            <BrandMark size={32} />
            <span className="shell__brand-name" aria-hidden="true">
              Xstream
            </span>
          </Link>

          <nav className="shell__nav" aria-label="Main">
            <ul>
              {NAVIGATION.map(({ to, label }) => (
                <li key={to}>
                  <Link
                    to={to}
                    className="shell__nav-link"
                    aria-current={path === to ? "page" : undefined}
                  >
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>

          <div className="shell__account">
            <span className="shell__user" title={displayName}>
              <span className="shell__avatar" aria-hidden="true">
                {initial(displayName)}
              </span>
              <span className="shell__user-name">{displayName}</span>
            </span>
            <Button variant="secondary" onClick={onSignOut} disabled={signingOut}>
              {signingOut ? "Signing out…" : "Sign out"}
            </Button>
          </div>
        </div>
        <div className="shell__alert notice notice--error" role="alert">
          {signOutError}
        </div>
      </header>

      <main id="main" className="shell__main">
        {children}
      </main>
    </div>
  );
}

function initial(name: string): string {
  // First user-perceived character, so an emoji or accented letter is not cut in half.
  const [first = "?"] = Array.from(new Intl.Segmenter().segment(name.trim()), (s) => s.segment);
  return first.toLocaleUpperCase();
}
