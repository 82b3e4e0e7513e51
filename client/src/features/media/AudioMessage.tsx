import type { AudioBody } from "../../matrix/messageBody";
import { formatDuration, spokenDuration } from "../../ui/mediaFormat";
import { useMediaUrl } from "../../ui/useMediaUrl";
import "./media.css";

/** A voice message or an audio file: a player, with its length. */
export function AudioMessage({ body }: { body: AudioBody }) {
  const audio = useMediaUrl({ kind: "download", media: body.media, mimetype: body.mimetype });
  const title = body.voice ? "Voice message" : body.name;
  return (
    <figure className={body.voice ? "media-audio media-audio--voice" : "media-audio"}>
      <figcaption className="media-audio__title">
        <span>{title}</span>
        {body.durationMs !== null && <Duration ms={body.durationMs} />}
      </figcaption>
      {audio.status === "ready" ? (
        // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions.
        <audio
          className="media-audio__player"
          controls
          preload="metadata"
          src={audio.url}
          aria-label={title}
        />
      ) : (
        <p className="media-audio__status">
          {audio.status === "failed" ? `Couldn't load the recording: ${audio.error}` : "Loading…"}
        </p>
      )}
      {body.caption && <p className="media-caption">{body.caption}</p>}
    </figure>
  );
}

/** "0:04" on screen, "4 seconds" to a screen reader. */
export function Duration({ ms }: { ms: number }) {
  return (
    <span className="media-audio__duration">
      <span aria-hidden="true">{formatDuration(ms)}</span>
      <span className="visually-hidden">{spokenDuration(ms)}</span>
    </span>
  );
}
