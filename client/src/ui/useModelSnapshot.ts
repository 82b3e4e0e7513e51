import { useSyncExternalStore } from "react";

/** What a view model offers React: a change feed and its current snapshot. */
export interface SnapshotSource<S> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
}

const noSubscription = () => () => {};

/**
 * The current snapshot of a view model that may not exist yet (it needs a Matrix client, which
 * is null while connecting); until then, `idle`. Keep `idle` a stable value: React compares
 * snapshots by identity.
 */
export function useModelSnapshot<S>(model: SnapshotSource<S> | null, idle: S): S {
  return useSyncExternalStore(
    model ? model.subscribe : noSubscription,
    model ? model.getSnapshot : () => idle,
  );
}
