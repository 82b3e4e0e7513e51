import { Button } from "./Button";

/**
 * A dialog's last lines: the error from the last attempt (read out as it appears), Cancel, and
 * the action. The action submits the dialog's form, unless `onAction` is given.
 */
export function DialogActions({
  error,
  onCancel,
  actionLabel,
  pendingLabel,
  pending,
  danger = false,
  onAction,
}: {
  error: string | null;
  onCancel: () => void;
  actionLabel: string;
  /** Shown on the action while it runs, e.g. "Sending…". */
  pendingLabel: string;
  pending: boolean;
  danger?: boolean;
  onAction?: () => void;
}) {
  return (
    <>
      <p className="notice notice--error live-region" role="alert">
        {error}
      </p>
      <div className="dialog__actions">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant={danger ? "danger" : "primary"}
          type={onAction ? "button" : "submit"}
          onClick={onAction}
          disabled={pending}
        >
          {pending ? pendingLabel : actionLabel}
        </Button>
      </div>
    </>
  );
}
