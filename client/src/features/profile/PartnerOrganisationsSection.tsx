import { useId } from "react";
import { usePartnersApi } from "../../api/usePartnersApi";
import { CheckboxField } from "../../ui/CheckboxField";
import { Loading } from "../../ui/LoadState";
import { SaveStatus } from "../../ui/SaveStatus";
import { usePartnerVisibility } from "./usePartnerVisibility";

/**
 * The partner-directory opt-in: separate from "Show me in partner suggestions", off until the
 * learner turns it on, and saying exactly what partner organisations would see.
 */
export function PartnerOrganisationsSection() {
  const { visibility, saving, error, change } = usePartnerVisibility(usePartnersApi());
  const titleId = useId();
  const partners = visibility?.partner_organisations ?? [];
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Partner organisations
      </h2>
      {visibility === null && error === null && <Loading label="Loading…" />}
      {visibility && (
        <CheckboxField
          label="Also show me to learners of partner organisations"
          hint={`Other schools running Xstream that this one pairs with${
            partners.length > 0 ? ` (${partners.join(", ")})` : " (none yet)"
          } would see your name, languages and levels, interests, time zone and free times in their learners' suggestions — not your bio. Only while you are shown in suggestions. Turning this off removes you from their directory.`}
          checked={visibility.visible}
          disabled={saving}
          onChange={(event) => change(event.currentTarget.checked)}
        />
      )}
      <SaveStatus saving={saving} error={error} />
    </section>
  );
}
