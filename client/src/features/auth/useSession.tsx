import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { SessionState, SessionStore } from "./SessionStore";

const SessionContext = createContext<SessionStore | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  return <SessionContext.Provider value={store}>{children}</SessionContext.Provider>;
}

/** The session's state plus the store, whose methods sign in, up and out. */
export function useSession(): { state: SessionState; session: SessionStore } {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession needs a <SessionProvider>");
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { state, session };
}
