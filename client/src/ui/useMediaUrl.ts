import { useEffect, useState } from "react";
import { type MediaLoader, type MediaRequest, mediaLoaderFor } from "../matrix/media/mediaLoader";
import { useMatrixClient } from "../matrix/useMatrixClient";
import { describeError } from "./describeError";

export type MediaUrl =
  | { status: "idle" | "loading"; url: null; error: null }
  | { status: "ready"; url: string; error: null }
  | { status: "failed"; url: null; error: string };

const IDLE: MediaUrl = { status: "idle", url: null, error: null };
const LOADING: MediaUrl = { status: "loading", url: null, error: null };

/** The signed-in client's media loader; null while Matrix connects. */
export function useMediaLoader(): MediaLoader | null {
  const { client } = useMatrixClient();
  return client ? mediaLoaderFor(client) : null;
}

/**
 * An object URL for a piece of Matrix media while the component shows it (null: nothing to
 * show). The URL is shared through the client's media cache and released on unmount.
 */
export function useMediaUrl(request: MediaRequest | null): MediaUrl {
  const loader = useMediaLoader();
  // The request as a value: callers build a new object on every render.
  const key = request ? JSON.stringify(request) : null;
  const [state, setState] = useState<{ key: string | null; value: MediaUrl }>({
    key: null,
    value: IDLE,
  });

  useEffect(() => {
    if (key === null || !loader) return;
    const lease = loader.retain(JSON.parse(key) as MediaRequest);
    let current = true;
    lease.url.then(
      (url) => {
        if (current) setState({ key, value: { status: "ready", url, error: null } });
      },
      (error: unknown) => {
        if (current)
          setState({ key, value: { status: "failed", url: null, error: describeError(error) } });
      },
    );
    return () => {
      current = false;
      lease.release();
    };
  }, [key, loader]);

  if (key === null) return IDLE;
  return state.key === key ? state.value : LOADING;
}
