import type { ClientEvent, MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { useEffect, useState } from "react";
import { MatrixEvents, sdkValue } from "../../matrix/sdkValues";
import { isOffline, unsentEventsOf } from "./outbox";

const SYNC = sdkValue<ClientEvent.Sync>("sync");

function unsentIn(client: MatrixClient | null, roomId: string): MatrixEvent[] {
  const room = client?.getRoom(roomId);
  return room ? unsentEventsOf(room) : [];
}

/**
 * The room's messages that failed to send (status NOT_SENT), oldest first, kept up to date; for
 * a "not sent" bar or to place {@link PendingMessageActions}.
 */
export function usePendingEvents(client: MatrixClient | null, roomId: string): MatrixEvent[] {
  const [events, setEvents] = useState(() => unsentIn(client, roomId));
  useEffect(() => {
    const update = () => setEvents(unsentIn(client, roomId));
    update();
    if (!client) return;
    client.on(MatrixEvents.LocalEchoUpdated, update);
    client.on(MatrixEvents.Timeline, update);
    client.on(MatrixEvents.TimelineReset, update);
    return () => {
      client.off(MatrixEvents.LocalEchoUpdated, update);
      client.off(MatrixEvents.Timeline, update);
      client.off(MatrixEvents.TimelineReset, update);
    };
  }, [client, roomId]);
  return events;
}

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
