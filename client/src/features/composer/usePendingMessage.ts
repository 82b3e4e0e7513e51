import type { ClientEvent, MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { useEffect, useState } from "react";
import { MatrixEvents, SendStatus, sdkValue } from "../../matrix/sdkValues";
import { isOffline } from "./outbox";

const SYNC = sdkValue<ClientEvent.Sync>("sync");

/** Whether sending cannot work now (browser offline or sync down), kept up to date. */
export function useOffline(client: MatrixClient | null): boolean {
  const [offline, setOffline] = useState(() => (client ? isOffline(client) : false));
  useEffect(() => {
    if (!client) return;
    const update = () => setOffline(isOffline(client));
    update();
    client.on(SYNC, update);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      client.off(SYNC, update);
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, [client]);
  return offline;
}

function isRateLimited(event: MatrixEvent): boolean {
  const error = event.error as { httpStatus?: number; errcode?: string } | null | undefined;
  return error?.httpStatus === 429 || error?.errcode === "M_LIMIT_EXCEEDED";
}

export type PendingMessage = {
  /** The message failed to send (status NOT_SENT): the only time there is anything to offer. */
  notSent: boolean;
  /** Sending cannot work now; the outbox sends it on reconnect. */
  offline: boolean;
  /** The server refused it for going too fast. */
  rateLimited: boolean;
  retry(): void;
  cancel(): void;
};

/**
 * One of our local echoes, followed through its send status, and what can be done about it
 * when it failed: send it again or drop it.
 */
export function usePendingMessage(
  client: MatrixClient,
  event: MatrixEvent,
  roomId?: string,
): PendingMessage {
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

  const room = (): Room | null => client.getRoom(roomId ?? event.getRoomId());
  return {
    notSent: status === SendStatus.NotSent,
    offline,
    rateLimited: isRateLimited(event),
    retry() {
      const target = room();
      if (!target) return;
      // A failure marks the event NOT_SENT again, which brings the actions back.
      client.resendEvent(event, target).catch(() => undefined);
    },
    cancel() {
      try {
        client.cancelPendingEvent(event);
      } catch {
        // It started sending meanwhile; nothing to cancel.
      }
    },
  };
}
