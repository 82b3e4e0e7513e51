import { useEffect, useRef } from "react";

/** The part of a room's timeline (see `useTimeline`) that finding a message needs. */
export type RevealableTimeline = {
  items: readonly { kind: string; eventId?: string | null }[];
  hasMoreHistory: boolean;
  loadingHistory: boolean;
  loadOlder: () => void;
};

/** How far back (in pages of history) we look for a message before saying it is not there. */
export const MAX_REVEAL_PAGES = 40;

export type RevealState = "none" | "loading" | "found" | "notFound";

/**
 * Opening a room at one message (a search result): loads older history until the message is
 * in the timeline, or the start of the room (or a bound) is reached.
 */
export function useRevealEvent(timeline: RevealableTimeline, eventId: string | null): RevealState {
  const found =
    eventId !== null &&
    timeline.items.some((item) => item.kind === "message" && item.eventId === eventId);
  const pages = useRef({ eventId, count: 0 });
  if (pages.current.eventId !== eventId) pages.current = { eventId, count: 0 };
  const exhausted = !timeline.hasMoreHistory || pages.current.count >= MAX_REVEAL_PAGES;
  const { loadingHistory, loadOlder } = timeline;

  useEffect(() => {
    if (eventId === null || found || loadingHistory || exhausted) return;
    pages.current.count++;
    loadOlder();
  }, [eventId, found, loadingHistory, exhausted, loadOlder]);

  if (eventId === null) return "none";
  if (found) return "found";
  return exhausted && !loadingHistory ? "notFound" : "loading";
}
