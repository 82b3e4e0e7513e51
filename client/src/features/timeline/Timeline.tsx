import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { type ReactNode, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Button } from "../../ui/Button";
import { Dialog } from "../../ui/Dialog";
import { CallNoticeRow } from "../calls";
import { dayLabel } from "./days";
import { type MessageHandlers, type MessageRef, MessageTile } from "./MessageTile";
import type { CallItem, DayItem, MessageItem, TimelineItem } from "./timelineModel";
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

/**
 * The height of the line above the first row that loads older history or says there is none.
 * It is the list's top padding, not a row: at the very top, the first message (not that line) is
 * what stays in place when older rows arrive above it.
 */
const HISTORY_LINE = 56;

/**
 * One virtualised row: a message or call notice, under its day's separator when it is the day's
 * first. A separator is not a row of its own, so the row at any scroll position is a message,
 * whose place is kept when older rows arrive above it.
 */
type Row = { key: string; day: DayItem | null; item: MessageItem | CallItem };

/** What a row shows at its top, decided by the row above it. */
function headingOf(row: Row): string {
  const continuation = row.item.kind === "message" && row.item.continuation;
  return `${row.day?.key ?? ""}|${continuation}`;
}

function rowsOf(items: TimelineItem[]): Row[] {
  const rows: Row[] = [];
  let day: DayItem | null = null;
  for (const item of items) {
    if (item.kind === "day") {
      day = item;
      continue;
    }
    rows.push({ key: item.key, day, item });
    day = null;
  }
  return rows;
}

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
  const rows = useMemo(() => rowsOf(items), [items]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) =>
      (rows[index]?.item.kind === "message" ? 64 : 40) + (rows[index]?.day ? 40 : 0),
    getItemKey: (index) => rows[index]?.key ?? index,
    paddingStart: HISTORY_LINE,
    overscan: 8,
    // Prepending older rows keeps the visible ones in place; appending follows when at the end.
    anchorTo: "end",
    followOnAppend: true,
    measureElement: measureRow,
  });

  // A row whose top changed with the row now above it (its day separator, or its sender's name and
  // picture, gone once older rows from the same day and sender arrived) moved what is on screen
  // below its top: the scroll follows it.
  const reheaded = useRef(new Set<string>());
  const headings = useRef(new Map<string, string>());
  useLayoutEffect(() => {
    // Measured in the frame after the change, or not at all (the same height): not kept longer.
    reheaded.current.clear();
    const next = new Map<string, string>();
    for (const row of rows) {
      const heading = headingOf(row);
      const had = headings.current.get(row.key);
      if (had !== undefined && had !== heading) reheaded.current.add(row.key);
      next.set(row.key, heading);
    }
    headings.current = next;
  }, [rows]);
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) => {
    const offset = instance.scrollOffset ?? 0;
    const height = scroller.current?.clientHeight ?? 0;
    if (reheaded.current.delete(String(item.key))) return item.start < offset + height;
    // Otherwise the library's own rule: a row measured for the first time above the top, or a
    // row entirely above it, while not scrolling up.
    return instance.itemSizeCache.has(item.key)
      ? item.end <= offset && instance.scrollDirection !== "backward"
      : item.start < offset;
  };

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
      : rows.findIndex(({ item }) => item.kind === "message" && item.eventId === highlightEventId);
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
            <li className="timeline__history-line" style={{ height: HISTORY_LINE }}>
              <HistoryStatus timeline={timeline} />
            </li>
            {virtualizer.getVirtualItems().map((virtualRow) => {
              const row = rows[virtualRow.index];
              if (!row) return null;
              return (
                <li
                  key={virtualRow.key}
                  data-index={virtualRow.index}
                  ref={virtualizer.measureElement}
                  className={`timeline__row timeline__row--${row.item.kind}${
                    virtualRow.index === highlightIndex ? " timeline__row--highlighted" : ""
                  }`}
                  aria-current={virtualRow.index === highlightIndex ? "location" : undefined}
                  style={{ transform: `translateY(${virtualRow.start}px)` }}
                >
                  {row.day && (
                    <p className="timeline__day">
                      <time dateTime={new Date(row.day.ts).toISOString().slice(0, 10)}>
                        {dayLabel(row.day.ts)}
                      </time>
                    </p>
                  )}
                  {row.item.kind === "call" ? (
                    <CallNoticeRow notice={row.item.notice} />
                  ) : (
                    <MessageTile
                      message={row.item}
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

/**
 * A row's height. A row just put in the page keeps the height already known (or the estimate)
 * rather than being measured there: measuring forces a layout inside React's commit, on the path
 * of every message sent or received. The resize observer reports the real height after the
 * frame's layout and before it paints, so no row is seen at a wrong place.
 */
function measureRow(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
): number {
  const box = entry?.borderBoxSize[0];
  if (box) return Math.round(box.blockSize);
  const index = virtualizer.indexFromElement(element);
  return (
    virtualizer.itemSizeCache.get(virtualizer.options.getItemKey(index)) ??
    virtualizer.options.estimateSize(index)
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
