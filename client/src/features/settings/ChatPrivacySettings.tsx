import type { MatrixClient } from "matrix-js-sdk";
import { useId } from "react";
import { CheckboxField } from "../../ui/CheckboxField";
import { SaveStatus } from "../../ui/SaveStatus";
import { useChatSettings } from "./useChatSettings";

/**
 * Whether others see how far the person has read. Stored in their Matrix account data, so the
 * choice follows them to every device. `client` is null while Matrix connects.
 */
export function ChatPrivacySettings({ client }: { client: MatrixClient | null }) {
  const { settings, saving, error, change } = useChatSettings(client);
  const titleId = useId();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Chat privacy
      </h2>
      <CheckboxField
        label="Send read receipts"
        hint={
          client
            ? "Others see how far you have read. When this is off, only your own devices know, and you still see other people's receipts."
            : "Available once you are connected to Matrix."
        }
        checked={settings.sendReadReceipts}
        disabled={!client || saving}
        onChange={(event) => change({ sendReadReceipts: event.currentTarget.checked })}
      />
      <SaveStatus saving={saving} error={error} />
    </section>
  );
}
