import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { Button } from "../../ui/Button";
import { type ConnectionNotice, connectionNotice } from "./connectionNotice";
import { useBrowserOnline } from "./useBrowserOnline";
import "./ConnectionBanner.css";

export type ConnectionBannerProps = {
  notice: ConnectionNotice;
  /** Why encrypted chats cannot be read in this tab, if they cannot. */
  encryptionProblem?: string | null;
  onRetryNow?: () => void;
};

/**
 * The strip under the header that says when chat is not live: offline, or reconnecting to
 * Matrix (with "Retry now"); and, apart from that, when encryption is off in this tab. The live
 * regions are always there, so what appears in them is announced.
 */
export function ConnectionBanner({
  notice,
  encryptionProblem = null,
  onRetryNow,
}: ConnectionBannerProps) {
  return (
    <div className="connection-banners">
      <div
        className={`connection-banner live-region${notice ? ` connection-banner--${notice}` : ""}`}
        role="status"
      >
        {notice === "offline" && <p>You're offline — messages will send when you reconnect.</p>}
        {notice === "reconnecting" && (
          <>
            <p>Reconnecting…</p>
            {onRetryNow && (
              <Button variant="secondary" onClick={onRetryNow}>
                Retry now
              </Button>
            )}
          </>
        )}
      </div>
      <div className="connection-banner connection-banner--encryption live-region" role="status">
        {encryptionProblem && <p>{encryptionProblem}</p>}
      </div>
    </div>
  );
}

/** The banner for the signed-in person's connection; nothing outside a Matrix provider. */
export function ConnectionStatus() {
  const online = useBrowserOnline();
  const matrix = useOptionalMatrixClient();
  return (
    <ConnectionBanner
      notice={connectionNotice(online, matrix?.status ?? null)}
      encryptionProblem={matrix?.encryption === "unavailable" ? matrix.encryptionProblem : null}
      onRetryNow={matrix?.reconnectNow}
    />
  );
}
