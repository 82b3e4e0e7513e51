import { useVirtualizer } from "@tanstack/react-virtual";
import { type ReactNode, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Button } from "../../ui/Button";
import { Dialog } from "../../ui/Dialog";
import { CallNoticeRow } from "../calls";
import { dayLabel } from "./days";
import { type MessageHandlers, type MessageRef, MessageTile } from "./MessageTile";
import type { MessageItem, TimelineItem } from "./timelineModel";
import type { UseTimeline } from "./useTimeline";
import "./Timeline.css";

export type TimelineProps = {
  timeline: UseTimeline;
  myUserId: string;
  /** The reader's display name, highlighted where a message mentions it. */
  myName: string;
  onReply?: ((message: MessageRef) => void) | undefined;
  onEdit?: ((message: MessageRef) => void) | undefined;
  onCorrect?: ((message: MessageRef) => void) | undefined;
  renderUnsentActions?: ((messageKey: string) => ReactNode) | undefined;
  /** A message to show and highlight (opened from a search result) instead of the newest. */
  highlightEventId?: string | null | undefined;
};

/** Loads older history when the reader is this close to the top (pixels). */
const LOAD_MARGIN = 400;

type Row = { kind: "history"; key: "history" } | TimelineItem;

/**
 * A room's messages, oldest at the top, virtualised: only the rows near the viewport are in the
 * page. Scrolling up loads older history without moving what is on screen; new messages keep the
 * view at the bottom when it was there.
 */
export function Timeline({
  timeline,
  myUserId,
  myName,
  onReply,
  onEdit,
  onCorrect,
  renderUnsentActions,
  highlightEventId = null,
}: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [deleting, setDeleting] = useState<MessageItem | null>(null);
  const { items, hasMoreHistory, loadingHistory, loadOlder } = timeline;
  const rows = useMemo<Row[]>(() => [{ kind: "history", key: "history" }, ...items], [items]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === "message" ? 64 : 40),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    // Prepending older rows keeps the visible ones in place; appending follows when at the end.
    anchorTo: "end",
    followOnAppend: true,
  });

  // Open at the newest message, and jump to it when we send one.
  const lastItem = items.at(-1);
  const lastKey = lastItem?.key;
  const lastIsOwn = lastItem?.kind === "message" && lastItem.own;
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (lastKey === undefined) return;
    if ((!opened.current && highlightEventId === null) || lastIsOwn) virtualizer.scrollToEnd();
    opened.current = true;
  }, [lastKey, lastIsOwn, virtualizer, highlightEventId]);

  // Opened at one message: bring it to the middle once it is loaded.
  const highlightIndex =
    highlightEventId === null
      ? -1
      : rows.findIndex((row) => row.kind === "message" && row.eventId === highlightEventId);
  useLayoutEffect(() => {
    if (highlightIndex >= 0) virtualizer.scrollToIndex(highlightIndex, { align: "center" });
  }, [highlightIndex, virtualizer]);

  // Fill the viewport: a short page of history leaves nothing to scroll up from.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || !hasMoreHistory || loadingHistory) return;
    if (element.scrollHeight <= element.clientHeight + LOAD_MARGIN && element.scrollTop === 0) {
      loadOlder();
    }
  });

  function handleScroll() {
    const element = scroller.current;
    if (element && element.scrollTop < LOAD_MARGIN && hasMoreHistory && !loadingHistory) {
      loadOlder();
    }
  }

  const handlers = useMemo<MessageHandlers>(
    () => ({
      onToggleReaction: timeline.toggleReaction,
      onDelete: setDeleting,
      onReply,
      onEdit,
      onCorrect,
      renderUnsentActions,
    }),
    [timeline.toggleReaction, onReply, onEdit, onCorrect, renderUnsentActions],
  );
  const mentionNames = useMemo(
    () => [myName, myUserId].filter((name) => name.trim() !== ""),
    [myName, myUserId],
  );

  return (
    <>
      {/* A log: screen readers announce new messages as they arrive. */}
      <div
        className="timeline"
        role="log"
        aria-label="Messages"
        aria-busy={loadingHistory}
        ref={scroller}
        onScroll={handleScroll}
      >
        {items.length === 0 && !hasMoreHistory && !loadingHistory ? (
          <p className="timeline__empty">No messages yet. Say hello!</p>
        ) : (
          <ol className="timeline__rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((virtualRow) => {
              const row = rows[virtualRow.index];
              if (!row) return null;
              return (
                <li
                  key={virtualRow.key}
                  data-index={virtualRow.index}
                  ref={virtualizer.measureElement}
                  className={`timeline__row timeline__row--${row.kind}${
                    virtualRow.index === highlightIndex ? " timeline__row--highlighted" : ""
                  }`}
                  aria-current={virtualRow.index === highlightIndex ? "location" : undefined}
                  style={{ transform: `translateY(${virtualRow.start}px)` }}
                >
                  {row.kind === "history" ? (
                    <HistoryStatus timeline={timeline} />
                  ) : row.kind === "call" ? (
                    <CallNoticeRow notice={row.notice} />
                  ) : row.kind === "day" ? (
                    <p className="timeline__day">
                      <time dateTime={new Date(row.ts).toISOString().slice(0, 10)}>
                        {dayLabel(row.ts)}
                      </time>
                    </p>
                  ) : (
                    <MessageTile
                      message={row}
                      myUserId={myUserId}
                      mentionNames={mentionNames}
                      handlers={handlers}
                    />
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </div>
      {timeline.actionError && (
        <p className="field__error" role="alert">
          {timeline.actionError}
        </p>
      )}
      {deleting?.eventId && (
        <Dialog title="Delete this message?" onClose={() => setDeleting(null)}>
          <p>It will be removed for everyone in the room. This can't be undone.</p>
          <div className="dialog__actions">
            <Button variant="secondary" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                if (deleting.eventId) timeline.redact(deleting.eventId);
                setDeleting(null);
              }}
            >
              Delete
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}

function HistoryStatus({ timeline }: { timeline: UseTimeline }) {
  if (timeline.historyError) {
    return (
      <div className="timeline__history" role="alert">
        <p>{timeline.historyError}</p>
        <Button variant="secondary" onClick={timeline.loadOlder}>
          Try again
        </Button>
      </div>
    );
  }
  if (timeline.loadingHistory) {
    return (
      <p className="timeline__history" role="status">
        Loading older messages…
      </p>
    );
  }
  if (!timeline.hasMoreHistory) {
    return <p className="timeline__history">This is the start of the conversation.</p>;
  }
  return (
    <p className="timeline__history">
      <Button variant="link" onClick={timeline.loadOlder}>
        Load older messages
      </Button>
    </p>
  );
}
