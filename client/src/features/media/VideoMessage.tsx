import { useState } from "react";
import type { VideoBody } from "../../matrix/messageBody";
import { formatDuration } from "../../ui/mediaFormat";
import { useMediaUrl } from "../../ui/useMediaUrl";
import { previewBox, previewRequest } from "./mediaRequests";
import "./media.css";

/**
 * A video in the timeline: its thumbnail (when the sender made one) in a box sized from the
 * event, and Play, which fetches the video only then.
 */
export function VideoMessage({ body }: { body: VideoBody }) {
  const [playing, setPlaying] = useState(false);
  const box = previewBox(body);
  const poster = useMediaUrl(previewRequest(body, box));
  const video = useMediaUrl(
    playing ? { kind: "download", media: body.media, mimetype: body.mimetype } : null,
  );
  return (
    <figure className="media-image media-video">
      {video.status === "ready" ? (
        // biome-ignore lint/a11y/useMediaCaption: people's own videos come without captions.
        <video
          className="media-video__player"
          style={{ width: box.width, height: box.height }}
          src={video.url}
          poster={poster.url ?? undefined}
          controls
          autoPlay
          aria-label={body.name}
        />
      ) : (
        <button
          type="button"
          className="media-image__frame"
          style={{ width: box.width, height: box.height }}
          aria-label={`Play video ${body.name}`}
          disabled={playing && video.status !== "failed"}
          onClick={() => setPlaying(true)}
        >
          {poster.url && <img className="media-image__picture" src={poster.url} alt="" />}
          <span className="media-video__play">
            {video.status === "failed"
              ? `Couldn't load the video: ${video.error}`
              : playing
                ? "Loading…"
                : `▶ ${body.durationMs === null ? "Play" : formatDuration(body.durationMs)}`}
          </span>
        </button>
      )}
      <figcaption className="media-caption">{body.caption ?? body.name}</figcaption>
    </figure>
  );
}
