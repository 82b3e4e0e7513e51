import { type ReactNode, useState } from "react";
import { plainMedia } from "../matrix/media/mediaRef";
import { useMediaUrl } from "./useMediaUrl";
import "./AvatarPicture.css";

/** Avatars are fetched as the server's 96×96 cropped thumbnail, whatever size they show at. */
const AVATAR_THUMBNAIL = { width: 96, height: 96, method: "crop" } as const;

/**
 * A profile or room picture from its mxc URI; `fallback` (the initials) while it loads, and for
 * good when it cannot be loaded or shown.
 */
export function AvatarPicture({ mxcUrl, fallback }: { mxcUrl: string; fallback: ReactNode }) {
  const media = plainMedia(mxcUrl);
  const picture = useMediaUrl(media ? { kind: "thumbnail", media, ...AVATAR_THUMBNAIL } : null);
  const [brokenUrl, setBrokenUrl] = useState<string | null>(null);
  if (picture.status !== "ready" || picture.url === brokenUrl) return fallback;
  return (
    <img
      className="avatar__picture"
      src={picture.url}
      alt=""
      draggable={false}
      onError={() => setBrokenUrl(picture.url)}
    />
  );
}

export default AvatarPicture;
