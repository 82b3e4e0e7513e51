import { type RefObject, useEffect } from "react";

let firstPageShown = false;

/**
 * Sets the document title and, when the person arrives from another screen (not on the first
 * page of the visit), moves focus to the page heading so screen readers announce the new page
 * and keyboard users start from the top.
 */
export function usePageArrival(title: string, heading: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    document.title = `Xstream — ${title}`;
  }, [title]);

  useEffect(() => {
    if (!firstPageShown) {
      firstPageShown = true;
      return;
    }
    heading.current?.focus();
  }, [heading]);
}
