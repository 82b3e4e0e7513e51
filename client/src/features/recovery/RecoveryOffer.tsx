import { useState } from "react";
import "../../ui/offerBanner.css";
import "./recovery.css";
import { Button } from "../../ui/Button";
import { Dialog } from "../../ui/Dialog";
import { RecoveryPanel } from "./RecoveryPanel";
import { useRecovery } from "./useRecovery";

/**
 * After sign-in: the offer to set up recovery (an account without it) or to unlock this browser
 * with the recovery key (an account that has it, in a new browser or after signing out). The
 * steps open in a dialog; "Not now" hides the offer until the next sign-in (Settings keeps it).
 */
export function RecoveryOffer() {
  const recovery = useRecovery();
  const [open, setOpen] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  if (!recovery) return null;
  const locked = recovery.status === "locked";
  const offered = locked || recovery.status === "notSetUp";
  if (!open && (dismissed || !offered)) return null;
  return (
    <>
      {!dismissed && offered && (
        <section className="offer-banner" aria-label="Recovery">
          <p>
            {locked
              ? "Enter your recovery key to read your earlier encrypted messages in this browser."
              : "Set up recovery so you never lose your encrypted messages when you sign out or change browser."}
          </p>
          <div className="offer-banner__actions">
            <Button onClick={() => setOpen(true)}>
              {locked ? "Enter recovery key" : "Set up recovery"}
            </Button>
            <Button variant="secondary" onClick={() => setDismissed(true)}>
              Not now
            </Button>
          </div>
        </section>
      )}
      {open && (
        <Dialog title="Recovery" onClose={() => setOpen(false)}>
          <RecoveryPanel recovery={recovery} />
          {recovery.status === "ready" && !recovery.newRecoveryKey && (
            <div className="dialog__actions">
              <Button onClick={() => setOpen(false)}>Close</Button>
            </div>
          )}
        </Dialog>
      )}
    </>
  );
}
