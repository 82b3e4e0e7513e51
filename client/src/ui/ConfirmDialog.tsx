import { type ReactNode, useState } from "react";
import { Dialog } from "./Dialog";
import { DialogActions } from "./DialogActions";

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
      <DialogActions
        error={error}
        onCancel={onClose}
        actionLabel={confirmLabel}
        pendingLabel={pendingLabel}
        pending={pending}
        danger
        onAction={() => void confirm()}
      />
    </Dialog>
  );
}
