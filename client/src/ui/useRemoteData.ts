import { useCallback, useEffect, useRef, useState } from "react";
import { describeError, UNEXPECTED_ERROR } from "./describeError";

export type RemoteData<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "failed"; error: unknown /** For people. */; message: string };

export type UseRemoteData<T> = {
  state: RemoteData<T>;
  /** Loads again, e.g. from a "Try again" button. */
  reload: () => void;
  /** Changes the loaded data in place (after an action whose answer the page already has). */
  update: (change: (data: T) => T) => void;
};

/**
 * Loads something from the bridge when the component mounts (and when `load` changes: keep it
 * stable with useCallback). `reload()` refreshes in the background once something has loaded.
 * Answers to superseded loads are dropped.
 */
export function useRemoteData<T>(load: () => Promise<T>): UseRemoteData<T> {
  const [state, setState] = useState<RemoteData<T>>({ status: "loading" });
  /** Numbers the loads; an answer counts only if no load started (or unmount happened) since. */
  const latest = useRef(0);

  const run = useCallback(() => {
    const current = ++latest.current;
    // Loaded data stays on screen while it is refreshed; a failure shows "loading" again.
    setState((previous) => (previous.status === "failed" ? { status: "loading" } : previous));
    load().then(
      (data) => {
        if (current === latest.current) setState({ status: "ready", data });
      },
      (error: unknown) => {
        if (current !== latest.current) return;
        const message = describeError(error, { unexpected: UNEXPECTED_ERROR });
        // A failed refresh keeps what is on screen; only a failed first load says so.
        setState((previous) =>
          previous.status === "ready" ? previous : { status: "failed", error, message },
        );
      },
    );
  }, [load]);

  useEffect(() => {
    run();
    return () => {
      // Unmounted, or `load` changed: whatever is in flight is stale.
      latest.current++;
    };
  }, [run]);

  const reload = run;
  const update = useCallback((change: (data: T) => T) => {
    setState((previous) =>
      previous.status === "ready" ? { status: "ready", data: change(previous.data) } : previous,
    );
  }, []);

  return { state, reload, update };
}
