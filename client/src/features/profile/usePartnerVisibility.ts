import { useCallback, useEffect, useState } from "react";
import type { PartnersApi } from "../../api/partnersApi";
import type { PartnerVisibility } from "../../api/partnerTypes";

export type UsePartnerVisibility = {
  /** null while loading. */
  visibility: PartnerVisibility | null;
  saving: boolean;
  /** Why loading or the last change failed. */
  error: string | null;
  change: (visible: boolean) => void;
};

const reason = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/**
 * "Also show me to learners of partner organisations": the bridge's answer, and a way to change
 * it that shows the change at once and takes it back if saving fails.
 */
export function usePartnerVisibility(
  api: Pick<PartnersApi, "partnerVisibility" | "setPartnerVisibility">,
): UsePartnerVisibility {
  const [visibility, setVisibility] = useState<PartnerVisibility | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.partnerVisibility().then(
      (loaded) => live && setVisibility(loaded),
      (cause: unknown) => live && setError(`Couldn't load this setting: ${reason(cause)}`),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const change = useCallback(
    (visible: boolean) => {
      const before = visibility;
      if (!before) return;
      setVisibility({ ...before, visible });
      setSaving(true);
      setError(null);
      api
        .setPartnerVisibility(visible)
        .then(setVisibility, (cause: unknown) => {
          setError(`Couldn't save the setting: ${reason(cause)}`);
          setVisibility(before);
        })
        .finally(() => setSaving(false));
    },
    [api, visibility],
  );

  return { visibility, saving, error, change };
}
