import { useId, useState } from "react";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import type { Person } from "./PeopleSearchViewModel";
import type { UsePeopleSearch } from "./usePeopleSearch";
import "./search.css";

export type PeoplePickerProps = {
  search: UsePeopleSearch;
  /** The search field's label, e.g. "Invite people". */
  label: string;
  /** The verb on each result's button, e.g. "Invite" or "Message". */
  action: string;
  /** Does the action; resolves to an error for people, or to what to say once done. */
  onPick: (person: Person) => Promise<{ error: string } | { done: string }>;
};

/**
 * A search field for people (by name or Matrix ID) with the people found, each with one action.
 * A full Matrix ID typed in is always offered, whether the directory knows them or not.
 */
export function PeoplePicker({ search, label, action, onPick }: PeoplePickerProps) {
  const listId = useId();
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ error: string } | { done: string } | null>(null);
  const searched = search.query.trim() !== "" && !search.searching;

  async function pick(person: Person) {
    setPending(person.userId);
    setOutcome(null);
    const result = await onPick(person);
    setPending(null);
    setOutcome(result);
    if ("done" in result) search.clear();
  }

  return (
    <div className="people-picker">
      <label className="field__label" htmlFor={`${listId}-field`}>
        {label}
      </label>
      <input
        id={`${listId}-field`}
        type="search"
        className="field__input"
        placeholder="Name or @name:server"
        autoComplete="off"
        spellCheck={false}
        disabled={!search.available}
        aria-describedby={`${listId}-status`}
        value={search.query}
        onChange={(event) => {
          setOutcome(null);
          search.setQuery(event.target.value);
        }}
      />
      {search.results.length > 0 && (
        <ul className="people-picker__results" aria-label="People found">
          {search.results.map((person) => (
            <li key={person.userId} className="people-picker__person">
              <Avatar name={person.displayName} mxcUrl={person.avatarMxc} size={28} />
              <span className="people-picker__text">
                <span className="people-picker__name">{person.displayName}</span>
                <code className="matrix-id">{person.userId}</code>
              </span>
              <Button
                variant="secondary"
                aria-label={`${action} ${person.displayName}`}
                disabled={pending !== null}
                onClick={() => void pick(person)}
              >
                {pending === person.userId ? "…" : action}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <p id={`${listId}-status`} className="people-picker__status live-region" role="status">
        {search.searching
          ? "Searching…"
          : outcome && "done" in outcome
            ? outcome.done
            : searched && search.results.length === 0 && !search.error
              ? "No one found. You can find people you share a room with, learners who are discoverable, or anyone by their full Matrix ID."
              : ""}
      </p>
      <p className="notice notice--error live-region" role="alert">
        {search.error ?? (outcome && "error" in outcome ? outcome.error : null)}
      </p>
    </div>
  );
}
