import { Button } from "./Button";

/** Says something is on its way, as a polite live region. */
export function Loading({ label }: { label: string }) {
  return (
    <p className="loading-notice" role="status">
      {label}
    </p>
  );
}

/** Says loading failed and offers to try again. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="load-failed" role="alert">
      <p>{message}</p>
      <Button variant="secondary" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
