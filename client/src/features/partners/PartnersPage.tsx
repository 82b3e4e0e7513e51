import type { MatrixClient } from "matrix-js-sdk";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Partner } from "../../api/partnerTypes";
import { Link } from "../../routing/Link";
import { PATHS, roomPath } from "../../routing/paths";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { languageNames, useLanguages } from "../profile";
import { PartnerCard } from "./PartnerCard";
import { BlockDialog, ReportDialog } from "./PartnerDialogs";
import { usePartnersList } from "./usePartnersList";
import "./partners.css";

/** While a partner's room is being set up, the list is asked again this often. */
const ROOM_SETUP_POLL_MS = 5_000;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export type PartnersPageProps = {
  /** The signed-in Matrix client, for report evidence; null while it connects. */
  matrixClient: MatrixClient | null;
};

type OpenDialog = { kind: "block" | "report"; partner: Partner } | null;

/** The learner's partners: open the shared room, block, report. */
export function PartnersPage({ matrixClient }: PartnersPageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("partners", headingRef);
  const list = usePartnersList(matrixClient);
  const { state: languages } = useLanguages();
  const nameOf = useMemo(
    () => languageNames(languages.status === "ready" ? languages.data : []),
    [languages],
  );
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const { reload } = list;
  const settingUp = list.state.status === "ready" && list.state.data.some((p) => !p.room_id);

  useEffect(() => {
    if (!settingUp) return;
    const timer = setInterval(reload, ROOM_SETUP_POLL_MS);
    return () => clearInterval(timer);
  }, [settingUp, reload]);

  return (
    <>
      <header>
        <h1 className="page-title" ref={headingRef} tabIndex={-1}>
          Partners
        </h1>
        <p className="page-lead">The people you practise with. Each of you has a shared room.</p>
      </header>

      <p className="notice notice--success live-region" role="status">
        {list.notice}
      </p>

      {list.state.status === "loading" && <Loading label="Loading your partners…" />}
      {list.state.status === "failed" && (
        <LoadFailed message={list.state.message} onRetry={list.reload} />
      )}
      {list.state.status === "ready" && list.state.data.length === 0 && (
        <section className="panel empty-state" aria-label="No partners">
          <p className="empty-state__title">No partners yet</p>
          <p>When someone accepts your request, or you accept theirs, they appear here.</p>
          <Link to={PATHS.findPartners}>Browse suggested partners</Link>
        </section>
      )}
      {list.state.status === "ready" && list.state.data.length > 0 && (
        <ul className="card-grid" aria-label="Your partners">
          {list.state.data.map((partner) => (
            <li key={partner.user_id}>
              <PartnerCard
                displayName={partner.display_name}
                userId={partner.user_id}
                native={partner.native}
                learning={partner.learning}
                nameOf={nameOf}
                details={<PartnerSince since={partner.since} />}
                actions={
                  <>
                    {partner.room_id ? (
                      <Link to={roomPath(partner.room_id)} className="button button--primary">
                        Open chat
                      </Link>
                    ) : (
                      <Button disabled>Setting up your room…</Button>
                    )}
                    <Button
                      variant="secondary"
                      onClick={() => setDialog({ kind: "block", partner })}
                    >
                      Block
                    </Button>
                    <Button
                      variant="secondary"
                      onClick={() => setDialog({ kind: "report", partner })}
                    >
                      Report
                    </Button>
                  </>
                }
              />
            </li>
          ))}
        </ul>
      )}

      {dialog?.kind === "block" && (
        <BlockDialog
          partner={dialog.partner}
          onClose={() => setDialog(null)}
          onBlock={() => list.block(dialog.partner)}
        />
      )}
      {dialog?.kind === "report" && (
        <ReportDialog
          partner={dialog.partner}
          onClose={() => setDialog(null)}
          onReport={(reason) => list.report(dialog.partner, reason)}
        />
      )}
    </>
  );
}

function PartnerSince({ since }: { since: string }) {
  const date = new Date(since);
  if (Number.isNaN(date.getTime())) return null;
  return (
    <p className="partner-card__details">
      Partners since <time dateTime={date.toISOString()}>{dateFormat.format(date)}</time>
    </p>
  );
}
