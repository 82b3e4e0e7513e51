import { useRef } from "react";
import type { User } from "../../api/types";
import type { MatrixStatus } from "../../matrix/MatrixConnection";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import "./HomePage.css";

export type HomePageProps = {
  user: User;
  matrix: {
    status: MatrixStatus;
    /** The Matrix ID the client is logged in as, once it is. */
    userId: string | null;
    error: string | null;
  };
  onRetryMatrix?: () => void;
};

/** The signed-in start page: a greeting, the Matrix connection, and where to go next. */
export function HomePage({ user, matrix, onRetryMatrix }: HomePageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("home", headingRef);
  const matrixId = matrix.userId ?? user.matrixUserId;

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Hello, {user.displayName}
        </h1>
        <p className="page-lead">Welcome to Xstream. You are signed in as {user.username}.</p>
      </header>

      <section className="panel" aria-labelledby="matrix-title">
        <h2 id="matrix-title" className="panel__title">
          Matrix connection
        </h2>
        <div className={`matrix-status matrix-status--${matrix.status}`}>
          <span className="matrix-status__dot" aria-hidden="true" />
          <p className="matrix-status__text" role="status">
            {statusText(matrix.status, matrixId, matrix.error)}
          </p>
          {matrix.status === "error" && onRetryMatrix && (
            <Button variant="secondary" onClick={onRetryMatrix}>
              Try again
            </Button>
          )}
        </div>
      </section>

      <div className="home-grid">
        <section className="panel" aria-labelledby="element-title">
          <h2 id="element-title" className="panel__title">
            Use any Matrix app
          </h2>
          <p>
            Your account is a Matrix account. Sign in to Element or another Matrix app as{" "}
            <code className="matrix-id">{user.matrixUserId}</code> with your Xstream password.
          </p>
        </section>

        <section className="panel" aria-labelledby="account-title">
          <h2 id="account-title" className="panel__title">
            Your account
          </h2>
          <p>
            Change your password under Settings in the menu above. Doing so signs you out everywhere
            else, including Matrix apps.
          </p>
        </section>
      </div>
    </>
  );
}

function statusText(status: MatrixStatus, userId: string, error: string | null): string {
  switch (status) {
    case "connected":
      return `Connected to Matrix as ${userId}`;
    case "connecting":
      return "Connecting to Matrix…";
    case "reconnecting":
      return "Connection to Matrix lost. Reconnecting…";
    case "error":
      return error ?? "Couldn't connect to Matrix.";
    case "stopped":
      return "Not connected to Matrix.";
  }
}
