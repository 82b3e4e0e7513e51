import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
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
};

/** The signed-in user's matrix-js-sdk client and its connection status. */
export function useMatrixClient(): UseMatrixClient {
  const connection = useContext(MatrixConnectionContext);
  if (!connection) throw new Error("useMatrixClient needs a <MatrixConnectionProvider>");
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  return { ...snapshot, retry: () => void connection.retry() };
}
