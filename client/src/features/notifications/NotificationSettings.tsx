import type { MatrixClient } from "matrix-js-sdk";
import { useId, useState } from "react";
import { Button } from "../../ui/Button";
import { SaveStatus } from "../../ui/SaveStatus";
import {
  globalLevelChanges,
  globalLevelOf,
  LEVEL_LABELS,
  NOTIFICATION_LEVELS,
  type NotificationLevel,
} from "./pushRuleSettings";
import { usePushRules } from "./usePushRules";
import "./notifications.css";
import { useNotifier } from "./useNotifier";

const PERMISSION_TEXT: Record<NotificationPermission | "unsupported", string> = {
  granted: "This browser shows Xstream's notifications.",
  default: "This browser has not been allowed to show notifications yet.",
  denied:
    "This browser blocks Xstream's notifications. Allow them in the site settings (the icon left of the address).",
  unsupported: "This browser cannot show notifications.",
};

/**
 * The global notification choice (kept as push rules, so Element and other devices share it)
 * and this browser's permission, with a button to ask for it.
 */
export function NotificationSettings({ client }: { client: MatrixClient | null }) {
  const { notifier, snapshot } = useNotifier();
  const { rules, saving, error, change } = usePushRules(client);
  const titleId = useId();
  // The choice shows at once; the rules confirm it (or it falls back, with the error).
  const [chosen, setChosen] = useState<NotificationLevel | null>(null);
  const level = saving && chosen ? chosen : globalLevelOf(rules);
  const permission = snapshot?.permission ?? "default";
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Notifications
      </h2>
      <p className="panel__intro">{PERMISSION_TEXT[permission]}</p>
      {permission === "default" && notifier && (
        <Button variant="secondary" onClick={() => void notifier.requestPermission()}>
          Allow notifications
        </Button>
      )}
      <fieldset className="notification-levels" disabled={!client || saving}>
        <legend>Notify me about</legend>
        {NOTIFICATION_LEVELS.map((option) => (
          <label key={option} className="notification-levels__option">
            <input
              type="radio"
              name={`${titleId}-level`}
              value={option}
              checked={level === option}
              onChange={() => {
                setChosen(option);
                void change(globalLevelChanges(rules, option));
              }}
            />
            {LEVEL_LABELS[option]}
          </label>
        ))}
      </fieldset>
      <p className="field__hint">
        Each chat can differ: choose in the chat's header. Element and your other devices use the
        same choice.
      </p>
      <SaveStatus saving={saving} error={error} />
    </section>
  );
}
