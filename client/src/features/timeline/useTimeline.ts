import type { MatrixClient } from "matrix-js-sdk";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { emptyTimeline, type TimelineSnapshot, TimelineViewModel } from "./TimelineViewModel";
import { usePageVisible } from "./usePageVisible";

export type TimelineActions = {
  loadOlder: () => void;
  toggleReaction: (eventId: string, key: string) => void;
  redact: (eventId: string) => void;
};

export type UseTimeline = TimelineSnapshot & TimelineActions;

const noSubscription = () => () => {};
const noop = () => {};

/**
 * The timeline of a room the person has joined, kept up to date; sends a read receipt for the
 * latest event while the page is visible. `client` is null while Matrix is connecting.
 */
export function useTimeline(client: MatrixClient | null, roomId: string): UseTimeline {
  const model = useMemo(
    () => (client ? new TimelineViewModel(client, roomId) : null),
    [client, roomId],
  );
  const snapshot = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? (() => emptyTimeline),
  );
  const visible = usePageVisible();
  const latestKey = snapshot.items.at(-1)?.key;
  // A new latest event, or the page coming back into view, is what sends a receipt.
  useEffect(() => {
    if (visible && latestKey !== undefined) void model?.markRead();
  }, [model, visible, latestKey]);

  const actions = useMemo<TimelineActions>(
    () =>
      model
        ? {
            loadOlder: () => void model.loadOlder(),
            toggleReaction: (eventId, key) => void model.toggleReaction(eventId, key),
            redact: (eventId) => void model.redact(eventId),
          }
        : { loadOlder: noop, toggleReaction: noop, redact: noop },
    [model],
  );
  return { ...snapshot, ...actions };
}
