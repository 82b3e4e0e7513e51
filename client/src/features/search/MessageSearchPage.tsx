import type { MatrixClient } from "matrix-js-sdk";
import { type FormEvent, useId, useMemo, useRef, useState } from "react";
import { Link } from "../../routing/Link";
import { roomPath } from "../../routing/paths";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import type { MessageHit } from "./MessageSearchViewModel";
import { useMessageSearch } from "./useMessageSearch";
import "./search.css";

const ALL = "";

function when(ts: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(ts);
}

/**
 * Search messages in every chat or one: the server searches the chats it can read; encrypted
 * chats are searched in this browser, in what it has decrypted, and the page says so. A result
 * opens the room at that message.
 */
export function MessageSearchPage({ client }: { client: MatrixClient | null }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("search", headingRef);
  const results = useMessageSearch(client);
  const [term, setTerm] = useState("");
  const [roomId, setRoomId] = useState(ALL);
  const fieldId = useId();
  const roomFieldId = useId();
  const rooms = useMemo(
    () =>
      (client?.getRooms() ?? [])
        .filter((room) => room.getMyMembership() === "join")
        .map((room) => ({ roomId: room.roomId, name: room.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [client],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    results.search(term, roomId === ALL ? null : roomId);
  }

  return (
    <>
      <h1 className="page-title" ref={headingRef} tabIndex={-1}>
        Search messages
      </h1>
      <search className="panel">
        <form className="message-search" onSubmit={submit}>
          <div className="field">
            <label className="field__label" htmlFor={fieldId}>
              Search messages
            </label>
            <input
              id={fieldId}
              type="search"
              className="field__input"
              maxLength={200}
              value={term}
              onChange={(event) => setTerm(event.target.value)}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={roomFieldId}>
              In
            </label>
            <select
              id={roomFieldId}
              className="field__input"
              value={roomId}
              onChange={(event) => setRoomId(event.target.value)}
            >
              <option value={ALL}>All chats</option>
              {rooms.map((room) => (
                <option key={room.roomId} value={room.roomId}>
                  {room.name}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" disabled={!client || term.trim() === ""}>
            Search
          </Button>
        </form>
      </search>
      <p className="message-search__note">
        In end-to-end encrypted chats the server cannot read messages, so search covers only the
        messages this browser has loaded and decrypted.
      </p>
      <p className="notice notice--error live-region" role="alert">
        {results.error}
      </p>
      <SearchResults results={results.results} status={results.status} term={results.term} />
    </>
  );
}

function SearchResults({
  results,
  status,
  term,
}: {
  results: MessageHit[];
  status: "idle" | "searching" | "done";
  term: string;
}) {
  if (status === "idle") return null;
  if (status === "searching") return <p role="status">Searching…</p>;
  return (
    <section className="panel" aria-label="Search results">
      <p role="status">
        {results.length === 0
          ? `No messages found for “${term}”.`
          : `${results.length} ${results.length === 1 ? "message" : "messages"} found.`}
      </p>
      <ol className="message-search__results">
        {results.map((hit) => (
          <li key={`${hit.roomId}/${hit.eventId}`}>
            <Link className="message-search__hit" to={roomPath(hit.roomId, hit.eventId)}>
              <span className="message-search__meta">
                <span className="message-search__room">{hit.roomName}</span>
                {" · "}
                {hit.senderName}
                {" · "}
                <time dateTime={new Date(hit.ts).toISOString()}>{when(hit.ts)}</time>
                {hit.local && <span className="message-search__local"> · encrypted</span>}
              </span>
              <span className="message-search__body">{hit.body}</span>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
