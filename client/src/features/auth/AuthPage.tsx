import type { ReactNode, RefObject } from "react";
import { BrandMark } from "../../ui/BrandMark";
import { Button } from "../../ui/Button";
import "./SignInPage.css";

export type AuthPageProps = {
  /** The card's heading; the page moves the focus to it on arrival. */
  title: string;
  titleId: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  /** Why the person is here (e.g. their session ended); not an error. */
  notice?: string | null;
  /** A message from the server that belongs to no field. */
  serverError: string | null;
  /** The form. */
  children: ReactNode;
  /** The way to the other page, e.g. "New to Xstream?" + "Create an account". */
  switchPrompt: string;
  switchLabel: string;
  onSwitch: () => void;
  footer: ReactNode;
};

/** The frame the sign-in and sign-up pages share: brand, card with heading and alerts, footer. */
export function AuthPage({
  title,
  titleId,
  headingRef,
  notice = null,
  serverError,
  children,
  switchPrompt,
  switchLabel,
  onSwitch,
  footer,
}: AuthPageProps) {
  return (
    <main className="auth-page">
      <header className="auth-brand">
        <BrandMark size={48} />
        <h1 className="auth-brand__name">Xstream</h1>
        <p className="auth-brand__tagline">
          Swap languages with native speakers: teach yours, learn theirs.
        </p>
      </header>

      <section className="auth-card" aria-labelledby={titleId}>
        <h2 id={titleId} className="auth-card__title" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>

        {notice && (
          <p className="auth-card__notice notice" role="status">
            {notice}
          </p>
        )}

        {/* Always rendered so screen readers announce text when it appears. */}
        <div className="auth-card__server-error" role="alert">
          {serverError}
        </div>

        {children}

        <p className="auth-card__switch">
          {switchPrompt}{" "}
          <Button variant="link" onClick={onSwitch}>
            {switchLabel}
          </Button>
        </p>
      </section>

      <footer className="auth-footer">{footer}</footer>
    </main>
  );
}

/** The username input both pages share: typed exactly, never corrected or capitalised. */
export const USERNAME_INPUT = {
  label: "Username",
  autoComplete: "username",
  autoCapitalize: "none",
  autoCorrect: "off",
  spellCheck: false,
  required: true,
} as const;
