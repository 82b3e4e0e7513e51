import type { MatrixClient } from "matrix-js-sdk";
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
} from "react";
import { BrowserNotifier, type NotifierSnapshot } from "./BrowserNotifier";
import { browserPage, pageNotificationSink } from "./browserPlatform";

const NotifierContext = createContext<BrowserNotifier | null>(null);

/** One notifier per signed-in client, listening while the signed-in frame is shown. */
export function useBrowserNotifierFor(client: MatrixClient | null): BrowserNotifier | null {
  const notifier = useMemo(
    () => (client ? new BrowserNotifier(client, pageNotificationSink(), browserPage()) : null),
    [client],
  );
  useEffect(() => {
    if (!notifier) return;
    // Subscribing starts it; the frame keeps it running even when no view shows its state.
    return notifier.subscribe(() => {});
  }, [notifier]);
  return notifier;
}

export function NotifierProvider({
  notifier,
  children,
}: {
  notifier: BrowserNotifier | null;
  children: ReactNode;
}) {
  return <NotifierContext.Provider value={notifier}>{children}</NotifierContext.Provider>;
}

const noSubscription = () => () => {};
const noSnapshot = () => null;

/** The notifier (null before Matrix connects) and its state. */
export function useNotifier(): {
  notifier: BrowserNotifier | null;
  snapshot: NotifierSnapshot | null;
} {
  const notifier = useContext(NotifierContext);
  const snapshot = useSyncExternalStore(
    notifier?.subscribe ?? noSubscription,
    notifier?.getSnapshot ?? noSnapshot,
  );
  return { notifier, snapshot };
}
