import { useId, useRef } from "react";
import type { PartnerRequest } from "../../api/partnerTypes";
import { Link } from "../../routing/Link";
import { PATHS, roomPath } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { type RequestsInbox, useRequestsInbox } from "./useRequestsInbox";
import "./partners.css";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

function sentOn(request: PartnerRequest): string {
  const date = new Date(request.created_at);
  return Number.isNaN(date.getTime()) ? "" : `Sent ${dateFormat.format(date)}`;
}

/** Incoming partner requests to accept or decline, and the ones sent and still pending. */
export function RequestsPage() {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("requests", headingRef);
  const inbox = useRequestsInbox();
  const { requests } = inbox;

  async function accept(request: PartnerRequest) {
    const partner = await inbox.accept(request);
    if (!partner) return;
    // The room may still be being set up; the partners list says so and opens it later.
    navigate(partner.room_id ? roomPath(partner.room_id) : PATHS.partners);
  }

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Requests
        </h1>
        <p className="page-lead">
          People who want to practise with you, and the requests you sent.
        </p>
      </header>

      <p className="notice notice--success live-region" role="status">
        {inbox.notice}
      </p>

      {requests.status === "loading" && <Loading label="Loading requests…" />}
      {requests.status === "failed" && (
        <LoadFailed
          message={requests.error ?? "Couldn't load your requests."}
          onRetry={inbox.retry}
        />
      )}
      {requests.status === "ready" && (
        <>
          <IncomingRequests inbox={inbox} onAccept={accept} />
          <OutgoingRequests requests={requests.outgoing} />
        </>
      )}
    </>
  );
}

function IncomingRequests({
  inbox,
  onAccept,
}: {
  inbox: RequestsInbox;
  onAccept: (request: PartnerRequest) => void;
}) {
  const id = useId();
  const { incoming } = inbox.requests;
  return (
    <section className="panel requests-section" aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        Waiting for your answer
      </h2>
      {incoming.length === 0 ? (
        <p>No one is waiting for your answer.</p>
      ) : (
        <ul className="request-list">
          {incoming.map((request) => {
            const action = inbox.actionFor(request.id);
            const nameId = `${id}-${request.id}`;
            return (
              <li key={request.id} className="request">
                <Avatar name={request.requester.display_name} size={36} />
                <div className="request__who">
                  <span id={nameId} className="request__name">
                    {request.requester.display_name}
                  </span>
                  <code className="matrix-id">{request.requester.user_id}</code>
                  <OrganisationOf person={request.requester} />
                  <span className="request__when">{sentOn(request)}</span>
                </div>
                <div className="request__actions">
                  <Button
                    onClick={() => onAccept(request)}
                    disabled={action !== undefined}
                    aria-describedby={nameId}
                  >
                    {action === "accepting" ? "Accepting…" : "Accept"}
                  </Button>
                  <Button
                    variant="secondary"
                    onClick={() => void inbox.decline(request)}
                    disabled={action !== undefined}
                    aria-describedby={nameId}
                  >
                    {action === "declining" ? "Declining…" : "Decline"}
                  </Button>
                </div>
                <p className="field__error request__error live-region" role="alert">
                  {inbox.errorFor(request.id)}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** "from <organisation>" for a partner organisation's learner. */
function OrganisationOf({ person }: { person: PartnerRequest["requester"] }) {
  return person.organisation ? (
    <span className="request__organisation">from {person.organisation}</span>
  ) : null;
}

function OutgoingRequests({ requests }: { requests: PartnerRequest[] }) {
  const id = useId();
  return (
    <section className="panel requests-section" aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        Sent by you
      </h2>
      {requests.length === 0 ? (
        <p>
          You have no pending requests.{" "}
          <Link to={PATHS.findPartners}>Browse suggested partners</Link> to send one.
        </p>
      ) : (
        <ul className="request-list">
          {requests.map((request) => (
            <li key={request.id} className="request">
              <Avatar name={request.recipient.display_name} size={36} />
              <div className="request__who">
                <span className="request__name">{request.recipient.display_name}</span>
                <code className="matrix-id">{request.recipient.user_id}</code>
                <OrganisationOf person={request.recipient} />
                <span className="request__when">{sentOn(request)}</span>
              </div>
              <span className="badge badge--pending">Pending</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
