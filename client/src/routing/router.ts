import { useSyncExternalStore } from "react";

/**
 * A tiny history-based router: the path is the state, `navigate` changes it. Enough for a handful
 * of screens without a routing library.
 */

const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

/** Goes to `path` in this tab. `replace` rewrites the current history entry (redirects). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  notify();
}

/** The current path, e.g. `/settings`; re-renders on navigation and Back/Forward. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, currentPath);
}
