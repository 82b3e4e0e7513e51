import { useEffect, useRef } from "react";
import { initialsOf } from "../../matrix/roomNaming";
import { PictureOrInitials } from "../../ui/Avatar";
import { LockIcon, MicrophoneIcon } from "./CallIcons";
import type { MediaTrackHandle } from "./media";
import type { CallTile } from "./RoomCall";

/** Plays a track in a `<video>` or `<audio>` while mounted. */
export function useAttachedTrack<E extends HTMLMediaElement>(track: MediaTrackHandle | null) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const element = ref.current;
    if (!track || !element) return;
    track.attach(element);
    return () => track.detach(element);
  }, [track]);
  return ref;
}

function tileLabel(tile: CallTile): string {
  const who = tile.isLocal ? `${tile.person.name} (you)` : tile.person.name;
  return tile.kind === "screen" ? `${who}, sharing screen` : who;
}

/**
 * One person in the call: their camera, or their picture or initials while it is off; their
 * name, whether their microphone is off, and a ring while they speak.
 */
export function ParticipantTile({ tile }: { tile: CallTile }) {
  const video = useAttachedTrack<HTMLVideoElement>(tile.video);
  const classes = [
    "call-tile",
    tile.speaking && "call-tile--speaking",
    tile.kind === "screen" && "call-tile--screen",
    tile.isLocal && tile.kind === "camera" && "call-tile--mirrored",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <figure className={classes} aria-label={tileLabel(tile)} data-speaking={tile.speaking}>
      {tile.video ? (
        <video
          ref={video}
          className="call-tile__video"
          autoPlay
          playsInline
          // Sound plays through the call's own audio elements, never twice.
          muted
          data-local={tile.isLocal}
        />
      ) : (
        <span className="call-tile__avatar" aria-hidden="true">
          <PictureOrInitials
            mxcUrl={tile.person.avatarUrl}
            fallback={initialsOf(tile.person.name)}
          />
        </span>
      )}
      <figcaption className="call-tile__caption">
        {tile.encrypted && (
          <span className="call-tile__lock" role="img" aria-label="Encrypted" title="Encrypted">
            <LockIcon size={14} />
          </span>
        )}
        <span className="call-tile__name">{tileLabel(tile)}</span>
        {tile.kind === "camera" && !tile.microphoneOn && !tile.connecting && (
          <span className="call-tile__muted" role="img" aria-label="Microphone off">
            <MicrophoneIcon off size={16} />
          </span>
        )}
        {tile.speaking && <span className="visually-hidden">Speaking</span>}
        {tile.connecting && <span className="call-tile__status">Connecting…</span>}
      </figcaption>
    </figure>
  );
}

/** Everyone else's sound; nothing to see. */
export function RemoteAudio({ tracks }: { tracks: MediaTrackHandle[] }) {
  return (
    <div className="call-audio" aria-hidden="true">
      {tracks.map((track) => (
        <RemoteAudioTrack key={track.id} track={track} />
      ))}
    </div>
  );
}

function RemoteAudioTrack({ track }: { track: MediaTrackHandle }) {
  const ref = useAttachedTrack<HTMLAudioElement>(track);
  // biome-ignore lint/a11y/useMediaCaption: live call audio has no captions to offer.
  return <audio ref={ref} autoPlay data-track={track.id} />;
}
