import { type KeyboardEvent, type RefObject, useEffect, useRef } from "react";

/** What Tab can reach inside a modal. */
const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

export type ModalFocusOptions = {
  /** Escape: close the modal (the call overlay shrinks to its bar instead). */
  onEscape: () => void;
  /**
   * What takes the focus on opening: by default the first field, else the first control, else
   * the modal itself; `"modal"` for the modal itself, or a given element.
   */
  initialFocus?: "modal" | RefObject<HTMLElement | null>;
};

/**
 * The keyboard behaviour every modal here shares (dialogs, the call overlay, the lightbox): it
 * takes the focus, keeps Tab and Shift+Tab inside (wrapping round), closes on Escape without
 * the page seeing that Escape, and gives the focus back to what opened it, or to the page's
 * heading when that is gone (a partner just blocked). Spread `ref` and `onKeyDown` on the modal,
 * which needs `tabIndex={-1}` to hold the focus itself.
 */
export function useModalFocus<T extends HTMLElement>({
  onEscape,
  initialFocus,
}: ModalFocusOptions) {
  const ref = useRef<T>(null);
  // The focus is placed once, on opening; a new `initialFocus` object each render changes nothing.
  const initial = useRef(initialFocus);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const modal = ref.current;
    const wanted = initial.current;
    const target =
      wanted === "modal"
        ? modal
        : wanted
          ? wanted.current
          : (modal?.querySelector<HTMLElement>("textarea, input, select") ??
            modal?.querySelector<HTMLElement>(FOCUSABLE));
    (target ?? modal)?.focus();
    return () => {
      // No opener (the page had the focus), or it is gone: the page's heading.
      const back =
        opener?.isConnected && opener !== document.body
          ? opener
          : document.querySelector<HTMLElement>("h1");
      back?.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<T>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onEscape();
      return;
    }
    const modal = ref.current;
    if (event.key !== "Tab" || !modal) return;
    // In document order: jsdom (the unit tests' DOM) lists a selector list's matches by selector.
    const focusable = [...modal.querySelectorAll<HTMLElement>(FOCUSABLE)].sort((a, b) =>
      a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) {
      // Nothing to move to: the focus stays on the modal.
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === modal)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return { ref, onKeyDown };
}
