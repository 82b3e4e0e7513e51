import { type KeyboardEvent, useEffect, useId, useRef } from "react";
import { createPortal } from "react-dom";
import type { MediaRef } from "../../matrix/media/mediaRef";
import { useMediaUrl } from "../../ui/useMediaUrl";
import "./media.css";

export type LightboxProps = {
  /** The file name; the picture's alternative text and the downloaded file's name. */
  name: string;
  media: MediaRef;
  mimetype: string | null;
  /** A picture already on screen (the thumbnail), shown until the full one arrives. */
  previewUrl?: string | null | undefined;
  onClose: () => void;
};

/**
 * An image at full size over the page, with a Download link. A modal dialog: focus moves into
 * it, Tab stays inside, Escape or Close (or a click beside the picture) closes it and focus goes
 * back to what opened it. Rendered at the end of the page: timeline rows are transformed, which
 * would trap a fixed overlay inside them.
 */
export function Lightbox({ name, media, mimetype, previewUrl, onClose }: LightboxProps) {
  const id = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const full = useMediaUrl({ kind: "download", media, mimetype });
  const shown = full.url ?? previewUrl ?? null;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab" || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>("a[href], button")];
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    // A click on the backdrop (not the picture or the buttons) closes, like Escape.
    // biome-ignore lint/a11y/noStaticElementInteractions: the dialog inside handles the keyboard.
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes; the click is a pointer shortcut.
    <div
      className="lightbox"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialog}
        className="lightbox__dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onKeyDown={handleKeyDown}
      >
        <div className="lightbox__bar">
          <h2 id={`${id}-title`} className="lightbox__title">
            {name}
          </h2>
          {full.url ? (
            <a className="button button--secondary" href={full.url} download={name}>
              Download
            </a>
          ) : (
            <span className="lightbox__status" role="status">
              {full.status === "failed" ? `Couldn't load the picture: ${full.error}` : "Loading…"}
            </span>
          )}
          <button
            ref={closeButton}
            type="button"
            className="button button--secondary"
            onClick={onClose}
          >
            Close
          </button>
        </div>
        {shown && <img className="lightbox__image" src={shown} alt={name} />}
      </div>
    </div>,
    document.body,
  );
}
