import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { useEffect, useState } from "react";
import { MatrixEvents, SendStatus } from "../../matrix/sdkValues";
import { Button } from "../../ui/Button";
import { useOffline } from "./usePendingEvents";
import "./Composer.css";

export type PendingMessageActionsProps = {
  client: MatrixClient;
  /** A local echo; the actions show only while its status is NOT_SENT. */
  event: MatrixEvent;
  /** The event's room, when the event cannot tell (defaults to `event.getRoomId()`). */
  roomId?: string;
};

function isRateLimited(event: MatrixEvent): boolean {
  const error = event.error as { httpStatus?: number; errcode?: string } | null | undefined;
  return error?.httpStatus === 429 || error?.errcode === "M_LIMIT_EXCEEDED";
}

/**
 * "Retry" and "Cancel" for one of our messages that failed to send. While offline it says the
 * message waits for the connection (the outbox sends it on reconnect); retrying by hand is
 * still possible.
 */
export function PendingMessageActions({ client, event, roomId }: PendingMessageActionsProps) {
  const [status, setStatus] = useState(event.status);
  const offline = useOffline(client);

  useEffect(() => {
    setStatus(event.status);
    const onEcho = (changed: MatrixEvent) => {
      if (changed === event) setStatus(event.status);
    };
    client.on(MatrixEvents.LocalEchoUpdated, onEcho);
    return () => {
      client.off(MatrixEvents.LocalEchoUpdated, onEcho);
    };
  }, [client, event]);

  if (status !== SendStatus.NotSent) return null;

  const room = (): Room | null => client.getRoom(roomId ?? event.getRoomId());
  const retry = () => {
    const target = room();
    if (!target) return;
    // A failure marks the event NOT_SENT again, which brings these actions back.
    client.resendEvent(event, target).catch(() => undefined);
  };
  const cancel = () => {
    try {
      client.cancelPendingEvent(event);
    } catch {
      // It started sending meanwhile; nothing to cancel.
    }
  };

  return (
    <fieldset className="pending-actions" aria-label="Message not sent">
      {offline ? (
        <span className="pending-actions__hint">Waiting for the connection to send.</span>
      ) : (
        isRateLimited(event) && (
          <span className="pending-actions__hint">Too many messages at once. Try again.</span>
        )
      )}
      <Button variant="link" onClick={retry}>
        Retry
      </Button>
      <Button variant="link" onClick={cancel}>
        Cancel
      </Button>
    </fieldset>
  );
}
