import { createContext, type ReactNode, useContext, useEffect, useSyncExternalStore } from "react";
import type { MatrixConnection, MatrixSnapshot } from "./MatrixConnection";

const MatrixConnectionContext = createContext<MatrixConnection | null>(null);

export function MatrixConnectionProvider({
  connection,
  children,
}: {
  connection: MatrixConnection;
  children: ReactNode;
}) {
  return (
    <MatrixConnectionContext.Provider value={connection}>
      {children}
    </MatrixConnectionContext.Provider>
  );
}

export type UseMatrixClient = MatrixSnapshot & {
  /** Log in to Matrix again after status "error". */
  retry: () => void;
  /** Sync again now instead of waiting for the next automatic attempt (status "reconnecting"). */
  reconnectNow: () => void;
  /** After signing out: deletes this device's encryption keys from the browser. */
  forgetDevice: () => Promise<void>;
};

const noSubscription = () => () => {};
const noSnapshot = () => null;

function withActions(connection: MatrixConnection, snapshot: MatrixSnapshot): UseMatrixClient {
  return {
    ...snapshot,
    retry: () => void connection.retry(),
    reconnectNow: () => connection.reconnectNow(),
    forgetDevice: () => connection.forgetDevice(),
  };
}

/** The signed-in user's matrix-js-sdk client and its connection status. */
export function useMatrixClient(): UseMatrixClient {
  const connection = useContext(MatrixConnectionContext);
  if (!connection) throw new Error("useMatrixClient needs a <MatrixConnectionProvider>");
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  return withActions(connection, snapshot);
}

/**
 * Like {@link useMatrixClient}, or null outside a `<MatrixConnectionProvider>`: for parts of the
 * frame that add to a page when Matrix is there and have nothing to say otherwise.
 */
export function useOptionalMatrixClient(): UseMatrixClient | null {
  const connection = useContext(MatrixConnectionContext);
  const snapshot = useSyncExternalStore(
    connection?.subscribe ?? noSubscription,
    connection?.getSnapshot ?? noSnapshot,
  );
  return connection && snapshot ? withActions(connection, snapshot) : null;
}

const noClient = () => null;

/**
 * Keeps a room's full state and recent timeline coming while the calling component shows it
 * (sliding sync lists rooms with only what the list needs); nothing to do with /sync v2.
 */
export function useViewedRoom(roomId: string | null): void {
  const connection = useContext(MatrixConnectionContext);
  const client = useSyncExternalStore(
    connection?.subscribe ?? noSubscription,
    connection ? () => connection.getSnapshot().client : noClient,
  );
  useEffect(() => {
    if (!connection || !client || !roomId) return;
    return connection.viewRoom(roomId);
  }, [connection, client, roomId]);
}
