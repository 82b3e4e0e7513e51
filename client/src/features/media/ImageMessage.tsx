import { useState } from "react";
import type { ImageBody } from "../../matrix/messageBody";
import { useMediaUrl } from "../../ui/useMediaUrl";
import { Lightbox } from "./Lightbox";
import { previewBox, previewRequest } from "./mediaRequests";
import "./media.css";

/**
 * An image in the timeline: a preview in a box sized from the event's `info.w`/`info.h` (so the
 * row does not change height when the picture arrives); a click opens it in the lightbox.
 */
export function ImageMessage({ body }: { body: ImageBody }) {
  const [open, setOpen] = useState(false);
  const box = previewBox(body);
  const preview = useMediaUrl(previewRequest(body, box));
  return (
    <figure className="media-image">
      <button
        type="button"
        className="media-image__frame"
        style={{ width: box.width, height: box.height }}
        aria-label={`Open image ${body.name}`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {preview.status === "ready" ? (
          <img className="media-image__picture" src={preview.url} alt={body.name} />
        ) : (
          <span className="media-image__placeholder">
            {preview.status === "failed" ? "Couldn't load the image" : "Loading image…"}
          </span>
        )}
      </button>
      {body.caption && <figcaption className="media-caption">{body.caption}</figcaption>}
      {open && (
        <Lightbox
          name={body.name}
          media={body.media}
          mimetype={body.mimetype}
          previewUrl={preview.url}
          onClose={() => setOpen(false)}
        />
      )}
    </figure>
  );
}
