import { createContext, type ReactNode, useContext, useEffect, useSyncExternalStore } from "react";
import type { PartnerRequestsSnapshot, PartnerRequestsStore } from "./PartnerRequestsStore";

const PartnerRequestsContext = createContext<PartnerRequestsStore | null>(null);

export function PartnerRequestsProvider({
  store,
  children,
}: {
  store: PartnerRequestsStore;
  children: ReactNode;
}) {
  return (
    <PartnerRequestsContext.Provider value={store}>{children}</PartnerRequestsContext.Provider>
  );
}

/** The pending requests, both ways, and the store that accepts and declines them. */
export function usePartnerRequests(): {
  requests: PartnerRequestsSnapshot;
  store: PartnerRequestsStore;
} {
  const store = useContext(PartnerRequestsContext);
  if (!store) throw new Error("usePartnerRequests needs a <PartnerRequestsProvider>");
  const requests = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { requests, store };
}

/** How often the request lists are refreshed while the tab is visible. */
export const REQUESTS_POLL_MS = 20_000;
/** How often while it is hidden: slower, but a request still becomes a notification. */
export const HIDDEN_REQUESTS_POLL_MS = 60_000;

/**
 * Keeps the request lists fresh: now, every 20 seconds while the tab is visible (every minute
 * while it is hidden, so new requests can be notified), and as soon as the tab is shown or
 * focused again.
 */
export function useRequestsPolling(
  store: PartnerRequestsStore,
  intervalMs = REQUESTS_POLL_MS,
  hiddenIntervalMs = HIDDEN_REQUESTS_POLL_MS,
) {
  useEffect(() => {
    let last = 0;
    const refreshIfVisible = () => {
      if (document.visibilityState === "visible") {
        last = Date.now();
        void store.refresh();
      }
    };
    const tick = () => {
      if (document.visibilityState === "visible" || Date.now() - last >= hiddenIntervalMs) {
        last = Date.now();
        void store.refresh();
      }
    };
    refreshIfVisible();
    const timer = setInterval(tick, intervalMs);
    document.addEventListener("visibilitychange", refreshIfVisible);
    window.addEventListener("focus", refreshIfVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refreshIfVisible);
      window.removeEventListener("focus", refreshIfVisible);
    };
  }, [store, intervalMs, hiddenIntervalMs]);
}
