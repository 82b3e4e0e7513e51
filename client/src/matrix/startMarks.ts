/**
 * User Timing marks for the steps between signing in and the first synced room list, so a
 * profile (the chat bench, or the browser's performance panel) shows where a start spends its
 * time. Marking costs next to nothing; outside a browser it does nothing.
 */
export type StartStep =
  | "login"
  | "list-preview"
  | "sdk-loaded"
  | "cache-loaded"
  | "crypto-ready"
  | "sync-started"
  | "first-sync";

export const START_MARK_PREFIX = "xstream:";

export function markStart(step: StartStep): void {
  try {
    globalThis.performance?.mark?.(`${START_MARK_PREFIX}${step}`);
  } catch {
    // A browser without User Timing: nothing to profile.
  }
}
