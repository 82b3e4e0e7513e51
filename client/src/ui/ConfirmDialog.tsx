import { type ReactNode, useState } from "react";
import { Button } from "./Button";
import { Dialog } from "./Dialog";

/**
 * Asks before a destructive action. `onConfirm` resolves to an error message, or null once
 * done: the dialog then closes; on an error it stays open and shows it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  pendingLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Shown on the button while the action runs, e.g. "Blocking…". */
  pendingLabel: string;
  onConfirm: () => Promise<string | null>;
  onClose: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    const problem = await onConfirm();
    setPending(false);
    if (problem === null) onClose();
    else setError(problem);
  }

  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <p className="notice notice--error live-region" role="alert">
        {error}
      </p>
      <div className="dialog__actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" onClick={() => void confirm()} disabled={pending}>
          {pending ? pendingLabel : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
