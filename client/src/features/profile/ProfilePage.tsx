import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useEffect, useRef } from "react";
import type { ProfileInput } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { PATHS } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { useRemoteData } from "../../ui/useRemoteData";
import { MatrixProfileSection } from "./MatrixProfileSection";
import { PartnerOrganisationsSection } from "./PartnerOrganisationsSection";
import { ProfileForm } from "./ProfileForm";
import { loadLanguages } from "./useLanguages";

/**
 * Editing the profile later: the learner profile, and the Matrix name and picture (once Matrix
 * is connected). Without a learner profile yet, onboarding takes over.
 */
export function ProfilePage({ matrixClient }: { matrixClient?: MatrixClient | null }) {
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
      {state.status === "ready" && state.data[1] && <PartnerOrganisationsSection />}
      {matrixClient !== undefined && (
        <section className="panel" aria-labelledby="matrix-profile-title">
          <h2 id="matrix-profile-title" className="panel__title">
            Matrix profile
          </h2>
          <p className="field__hint">
            Your name and picture in chats, in Xstream and in any Matrix app.
          </p>
          {matrixClient ? (
            <MatrixProfileSection client={matrixClient} />
          ) : (
            <Loading label="Connecting to Matrix…" />
          )}
        </section>
      )}
    </>
  );
}
