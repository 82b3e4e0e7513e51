import { useEffect, useMemo, useRef } from "react";
import type { Suggestion } from "../../api/partnerTypes";
import { Link } from "../../routing/Link";
import { PATHS } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { languageNames } from "../profile";
import { PartnerCard } from "./PartnerCard";
import { type ConnectState, useFindPartners } from "./useFindPartners";
import "./partners.css";

/** Suggested partners, best first, each with the reasons and a Connect button. */
export function FindPartnersPage() {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("find partners", headingRef);
  const { state, reload, connection, connect } = useFindPartners();
  const noProfile = state.status === "noProfile";

  useEffect(() => {
    if (noProfile) navigate(PATHS.welcome, { replace: true });
  }, [noProfile]);

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Find partners
        </h1>
        <p className="page-lead">
          People who speak what you are learning and are learning what you speak. Best matches
          first.
        </p>
      </header>

      {(state.status === "loading" || state.status === "noProfile") && (
        <Loading label="Finding partners…" />
      )}
      {state.status === "failed" && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === "incomplete" && (
        <section className="panel empty-state" aria-label="Your profile is incomplete">
          <p>{state.message}</p>
          <Link to={PATHS.welcome}>Complete your profile</Link>
        </section>
      )}
      {state.status === "ready" && state.suggestions.length === 0 && (
        <section className="panel empty-state" aria-label="No suggestions">
          <p className="empty-state__title">No partners match yet…</p>
          <p>
            Add another language you speak or learn, or more times when you are available. New
            learners join every day, so check back soon.
          </p>
          <Link to={PATHS.profile}>Edit your profile</Link>
        </section>
      )}
      {state.status === "ready" && state.suggestions.length > 0 && (
        <ul className="card-grid" aria-label="Suggested partners">
          {state.suggestions.map((suggestion) => (
            <li key={suggestion.user_id}>
              <SuggestionCard
                suggestion={suggestion}
                connection={connection(suggestion.user_id)}
                onConnect={() => void connect(suggestion.user_id)}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function SuggestionCard({
  suggestion,
  connection,
  onConnect,
}: {
  suggestion: Suggestion;
  connection: ConnectState | undefined;
  onConnect: () => void;
}) {
  const { profile } = suggestion;
  const nameOf = useMemo(() => languageNames(profile.languages), [profile.languages]);
  const status = connection?.status;
  return (
    <PartnerCard
      displayName={suggestion.display_name}
      userId={suggestion.user_id}
      native={profile.native}
      learning={profile.learning}
      nameOf={nameOf}
      organisation={suggestion.organisation}
      online={suggestion.online}
      reasons={
        suggestion.reasons.length > 0 ? suggestion.reasons : [suggestion.summary].filter(Boolean)
      }
      bio={profile.bio}
      actions={
        <>
          <Button onClick={onConnect} disabled={status === "sending" || status === "sent"}>
            {status === "sent" ? "Request sent" : status === "sending" ? "Sending…" : "Connect"}
          </Button>
          <p className="field__error partner-card__error live-region" role="alert">
            {connection?.status === "failed" ? connection.message : null}
          </p>
        </>
      }
    />
  );
}
