import { useId } from "react";
import { Button } from "../../ui/Button";
import type { PeopleView, PersonView } from "./ExchangeViewModel";

/** The partner's languages and levels, and the viewer's own. */
export function PeopleSection({ people, onRetry }: { people: PeopleView; onRetry: () => void }) {
  const titleId = useId();
  return (
    <section className="exchange__part" aria-labelledby={titleId}>
      <h3 id={titleId} className="exchange__heading">
        Languages
      </h3>
      {(people.status === "idle" || people.status === "loading") && (
        <p role="status">Loading your languages…</p>
      )}
      {people.status === "off" && <p className="exchange__off">{people.reason}</p>}
      {people.status === "failed" && (
        <div role="alert" className="exchange__failed">
          <p>{people.error}</p>
          <Button variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        </div>
      )}
      {people.status === "ready" && (
        <div className="exchange__people">
          <Person person={people.partner} who="partner" />
          <Person person={people.viewer} who="you" />
        </div>
      )}
    </section>
  );
}

function Person({ person, who }: { person: PersonView | null; who: "partner" | "you" }) {
  const titleId = useId();
  if (!person) {
    return (
      <p className="exchange__muted">
        {who === "you"
          ? "You have no Xstream profile yet: add your languages on your profile page."
          : "Your partner's languages are not known: they have no Xstream profile, or this is not a partner room."}
      </p>
    );
  }
  return (
    <article className="exchange-person" aria-labelledby={titleId}>
      <h4 id={titleId} className="exchange-person__name">
        {who === "you" ? `You (${person.displayName})` : person.displayName}
        {person.organisation && (
          <span className="exchange-person__org"> · {person.organisation}</span>
        )}
      </h4>
      <dl className="exchange-person__languages">
        <dt>Speaks</dt>
        <dd>{person.native.map((language) => language.name).join(", ") || "—"}</dd>
        <dt>Learns</dt>
        <dd>
          {person.learning.length === 0
            ? "—"
            : person.learning.map((language, index) => (
                <span key={language.code}>
                  {index > 0 && ", "}
                  {language.name} <span className="exchange-level">{language.level}</span>
                </span>
              ))}
        </dd>
      </dl>
    </article>
  );
}
