import { useCallback, useRef } from "react";
import type { ProfileInput } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { PATHS } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { useRemoteData } from "../../ui/useRemoteData";
import { ProfileForm } from "./ProfileForm";
import { emptyProfile } from "./profileDraft";
import { browserTimeZone } from "./timeZones";
import { loadLanguages } from "./useLanguages";

/**
 * The first page after sign-up (and wherever a page needs a profile that does not exist yet):
 * the profile form, then on to partner suggestions.
 */
export function OnboardingPage() {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("set up your profile", headingRef);
  const api = usePartnersApi();
  const { state, reload } = useRemoteData(
    useCallback(() => Promise.all([loadLanguages(api), api.profile()]), [api]),
  );
  const save = useCallback(
    async (input: ProfileInput) => {
      await api.saveProfile(input);
      navigate(PATHS.findPartners);
    },
    [api],
  );

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Set up your profile
        </h1>
        <p className="page-lead">
          Tell us which languages you speak and which you are learning. We use it to suggest
          partners who speak what you learn and learn what you speak.
        </p>
      </header>
      <section className="panel" aria-label="Your profile">
        {state.status === "loading" && <Loading label="Loading your profile…" />}
        {state.status === "failed" && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === "ready" && (
          <ProfileForm
            initial={state.data[1] ?? emptyProfile(browserTimeZone())}
            languages={state.data[0]}
            submitLabel="Save and find partners"
            onSave={save}
          />
        )}
      </section>
    </>
  );
}
