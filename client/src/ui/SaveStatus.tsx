import type { ReactNode } from "react";

/**
 * Under a settings section: "Saving…" while a change is on its way, and the error (an always
 * present alert region, so screen readers announce text that appears in it). Styled with the
 * settings page, where every such section sits.
 */
export function SaveStatus({ saving = false, error }: { saving?: boolean; error: ReactNode }) {
  return (
    <div className="settings-messages settings-messages--after">
      {saving && <p className="field__hint">Saving…</p>}
      <div className="notice notice--error" role="alert">
        {error}
      </div>
    </div>
  );
}
