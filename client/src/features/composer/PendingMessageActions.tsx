import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { Button } from "../../ui/Button";
import { usePendingMessage } from "./usePendingMessage";
import "./Composer.css";

export type PendingMessageActionsProps = {
  client: MatrixClient;
  /** A local echo; the actions show only while its status is NOT_SENT. */
  event: MatrixEvent;
  /** The event's room, when the event cannot tell (defaults to `event.getRoomId()`). */
  roomId?: string;
};

/**
 * "Retry" and "Cancel" for one of our messages that failed to send. While offline it says the
 * message waits for the connection (the outbox sends it on reconnect); retrying by hand is
 * still possible. What to show and do comes from `usePendingMessage`.
 */
export function PendingMessageActions({ client, event, roomId }: PendingMessageActionsProps) {
  const pending = usePendingMessage(client, event, roomId);
  if (!pending.notSent) return null;

  return (
    <fieldset className="pending-actions" aria-label="Message not sent">
      {pending.offline ? (
        <span className="pending-actions__hint">Waiting for the connection to send.</span>
      ) : (
        pending.rateLimited && (
          <span className="pending-actions__hint">Too many messages at once. Try again.</span>
        )
      )}
      <Button variant="link" onClick={pending.retry}>
        Retry
      </Button>
      <Button variant="link" onClick={pending.cancel}>
        Cancel
      </Button>
    </fieldset>
  );
}
