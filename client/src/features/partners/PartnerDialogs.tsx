import { REPORT_REASON_MAX } from "@xstream/contract/limits";
import { type FormEvent, useState } from "react";
import type { Partner } from "../../api/partnerTypes";
import { ConfirmDialog } from "../../ui/ConfirmDialog";
import { Dialog } from "../../ui/Dialog";
import { DialogActions } from "../../ui/DialogActions";
import { TextAreaField } from "../../ui/TextAreaField";

type DialogProps = {
  partner: Partner;
  onClose: () => void;
};

/** Asks before blocking. `onBlock` resolves to an error message, or null once blocked. */
export function BlockDialog({
  partner,
  onClose,
  onBlock,
}: DialogProps & { onBlock: () => Promise<string | null> }) {
  const name = partner.display_name;
  return (
    <ConfirmDialog
      title={`Block ${name}?`}
      confirmLabel="Block"
      pendingLabel="Blocking…"
      onConfirm={onBlock}
      onClose={onClose}
    >
      <p>
        {name} will no longer be your partner. They won't be suggested to you and can't send you
        requests.
      </p>
    </ConfirmDialog>
  );
}

/** Asks why, then reports. `onReport` resolves to an error message, or null once sent. */
export function ReportDialog({
  partner,
  onClose,
  onReport,
}: DialogProps & { onReport: (reason: string) => Promise<string | null> }) {
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = partner.display_name;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (reason.trim() === "") {
      setReasonError("Say what happened, so the moderators can act on it.");
      return;
    }
    setPending(true);
    setError(null);
    const problem = await onReport(reason.trim());
    setPending(false);
    if (problem === null) onClose();
    else setError(problem);
  }

  return (
    <Dialog title={`Report ${name}`} onClose={onClose}>
      <form className="report-form" noValidate onSubmit={submit}>
        <p>
          Moderators will read your reason
          {partner.room_id ? ` and ${name}'s latest messages in your shared room` : ""}.
        </p>
        <TextAreaField
          label="Reason"
          rows={4}
          maxLength={REPORT_REASON_MAX}
          required
          value={reason}
          error={reasonError}
          onChange={(event) => {
            setReason(event.target.value);
            setReasonError(undefined);
          }}
        />
        <DialogActions
          error={error}
          onCancel={onClose}
          actionLabel="Send report"
          pendingLabel="Sending…"
          pending={pending}
        />
      </form>
    </Dialog>
  );
}
