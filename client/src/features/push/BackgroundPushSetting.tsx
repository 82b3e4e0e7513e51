import { useId, useState } from "react";
import { CheckboxField } from "../../ui/CheckboxField";
import { SaveStatus } from "../../ui/SaveStatus";
import {
  backgroundPushState,
  disableBackgroundPush,
  type EnableOutcome,
  enableBackgroundPush,
} from "./backgroundPush";

const OUTCOME_TEXT: Record<Exclude<EnableOutcome, "enabled">, string> = {
  unsupported: "This browser cannot receive notifications while it is closed.",
  denied: "Notifications are blocked for this site. Allow them in the browser's site settings.",
  unavailable: "This server does not send push notifications.",
};

/**
 * The switch for Web Push while the browser is closed. The notification settings page may
 * replace it; this is the minimal toggle. `connected`: Matrix is running (the pusher needs it).
 */
export function BackgroundPushSetting({ connected }: { connected: boolean }) {
  const titleId = useId();
  const [state, setState] = useState(backgroundPushState);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const change = async (on: boolean) => {
    setBusy(true);
    setMessage(null);
    try {
      if (on) {
        const outcome = await enableBackgroundPush();
        if (outcome !== "enabled") setMessage(OUTCOME_TEXT[outcome]);
      } else {
        await disableBackgroundPush();
      }
    } catch {
      setMessage("That did not work. Check your connection and try again.");
    } finally {
      setState(backgroundPushState());
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Notifications when Xstream is closed
      </h2>
      <CheckboxField
        label="Notify me on this device when the browser is closed"
        hint={
          state === "unsupported"
            ? OUTCOME_TEXT.unsupported
            : "Shows who wrote, and the message in unencrypted rooms. Only ids pass through the push service."
        }
        checked={state === "on"}
        disabled={state === "unsupported" || busy || !connected}
        onChange={(event) => void change(event.currentTarget.checked)}
      />
      <SaveStatus error={message} />
    </section>
  );
}
