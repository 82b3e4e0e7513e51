import { useCallback, useEffect, useRef } from "react";
import type { ProfileInput } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { PATHS } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { useRemoteData } from "../shared/useRemoteData";
import { ProfileForm } from "./ProfileForm";
import { loadLanguages } from "./useLanguages";

/** Editing the profile later. Without a profile yet, onboarding takes over. */
export function ProfilePage() {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("profile", headingRef);
  const api = usePartnersApi();
  const { state, reload } = useRemoteData(
    useCallback(() => Promise.all([loadLanguages(api), api.profile()]), [api]),
  );
  const save = useCallback(
    async (input: ProfileInput) => {
      await api.saveProfile(input);
    },
    [api],
  );
  const missing = state.status === "ready" && state.data[1] === null;

  useEffect(() => {
    if (missing) navigate(PATHS.welcome, { replace: true });
  }, [missing]);

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Profile
        </h1>
        <p className="page-lead">What other learners see on your card, and what we match you on.</p>
      </header>
      <section className="panel" aria-label="Your profile">
        {state.status === "loading" && <Loading label="Loading your profile…" />}
        {state.status === "failed" && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === "ready" && state.data[1] && (
          <ProfileForm
            initial={state.data[1]}
            languages={state.data[0]}
            submitLabel="Save profile"
            onSave={save}
          />
        )}
      </section>
    </>
  );
}
