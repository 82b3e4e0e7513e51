import type { MediaRequest } from "../../matrix/media/mediaLoader";
import type { ImageBody, VideoBody } from "../../matrix/messageBody";
import { fitWithin } from "../../ui/mediaFormat";

/** The largest box an image or video takes in the timeline. */
export const PREVIEW_BOX = { width: 320, height: 240 } as const;
/** The box when the sender did not say how large the picture is. */
const UNKNOWN_BOX = { width: 240, height: 180 } as const;

/**
 * The size a picture takes in the timeline, from the size its event states, so the row has its
 * final height before the picture arrives (the virtualised timeline does not jump).
 */
export function previewBox(body: Pick<ImageBody, "width" | "height">): {
  width: number;
  height: number;
} {
  if (body.width === null || body.height === null) return { ...UNKNOWN_BOX };
  return fitWithin(body.width, body.height, PREVIEW_BOX.width, PREVIEW_BOX.height);
}

/**
 * What to fetch to show a picture in the timeline: the server's thumbnail of plain media (twice
 * the box, for sharp screens); for an encrypted one, its own encrypted thumbnail, else the whole
 * file (the server cannot read it to make one). Animated GIFs are shown whole, moving.
 */
export function previewRequest(
  body: Pick<ImageBody | VideoBody, "media" | "thumbnail" | "mimetype" | "size"> & {
    kind: "image" | "video";
  },
  box: { width: number; height: number },
): MediaRequest | null {
  if (body.media.encryption || body.kind === "video") {
    const thumbnail = body.thumbnail;
    if (thumbnail) return { kind: "download", media: thumbnail, mimetype: "image/jpeg" };
    return body.kind === "image"
      ? { kind: "download", media: body.media, mimetype: body.mimetype }
      : null;
  }
  if (body.mimetype === "image/gif" && (body.size ?? Infinity) <= 4_000_000) {
    return { kind: "download", media: body.media, mimetype: body.mimetype };
  }
  return {
    kind: "thumbnail",
    media: body.media,
    width: box.width * 2,
    height: box.height * 2,
    method: "scale",
  };
}
