import { useId, useRef } from "react";
import { createPortal } from "react-dom";
import type { MediaRef } from "../../matrix/media/mediaRef";
import { useMediaUrl } from "../../ui/useMediaUrl";
import { useModalFocus } from "../../ui/useModalFocus";
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
 * An image at full size over the page, with a Download link. A modal dialog (`useModalFocus`):
 * focus moves to Close, Tab stays inside, Escape or Close (or a click beside the picture) closes
 * it and focus goes back to what opened it. Rendered at the end of the page: timeline rows are
 * transformed, which would trap a fixed overlay inside them.
 */
export function Lightbox({ name, media, mimetype, previewUrl, onClose }: LightboxProps) {
  const id = useId();
  const closeButton = useRef<HTMLButtonElement>(null);
  const modal = useModalFocus<HTMLDivElement>({ onEscape: onClose, initialFocus: closeButton });
  const full = useMediaUrl({ kind: "download", media, mimetype });
  const shown = full.url ?? previewUrl ?? null;

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
        ref={modal.ref}
        tabIndex={-1}
        className="lightbox__dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onKeyDown={modal.onKeyDown}
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
