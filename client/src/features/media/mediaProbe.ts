/**
 * What the browser can tell about a file before it is sent: an image's size, a downscaled
 * thumbnail drawn on a canvas, the length and frame size of audio and video. Best effort: a
 * file the browser cannot read is still sent, just with less detail.
 */
export type MediaProbe = {
  imageSize(file: Blob): Promise<{ width: number; height: number } | null>;
  /** A smaller copy fitting `maxWidth`×`maxHeight`, or null when the image is small already. */
  thumbnail(
    file: Blob,
    size: { width: number; height: number },
    max: { width: number; height: number },
  ): Promise<{ blob: Blob; width: number; height: number } | null>;
  /** Length (ms) and, for video, frame size. */
  playable(
    file: Blob,
    kind: "audio" | "video",
  ): Promise<{ durationMs?: number; width?: number; height?: number } | null>;
};

/** Images larger than this get a thumbnail (what Element uses). */
export const THUMBNAIL_BOX = { width: 800, height: 600 } as const;

const PROBE_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS)),
  ]);
}

async function decodeImage(file: Blob): Promise<ImageBitmap | null> {
  if (typeof createImageBitmap !== "function") return null;
  try {
    return await createImageBitmap(file);
  } catch {
    return null;
  }
}

export const browserMediaProbe: MediaProbe = {
  async imageSize(file) {
    const bitmap = await decodeImage(file);
    if (!bitmap) return null;
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  },

  async thumbnail(file, size, max) {
    if (size.width <= max.width && size.height <= max.height) return null;
    const bitmap = await decodeImage(file);
    if (!bitmap) return null;
    try {
      const scale = Math.min(max.width / size.width, max.height / size.height);
      const width = Math.max(1, Math.round(size.width * scale));
      const height = Math.max(1, Math.round(size.height * scale));
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext("2d");
      if (!context) return null;
      context.drawImage(bitmap, 0, 0, width, height);
      // PNG keeps transparency; everything else is a photo, and JPEG is far smaller.
      const type = file.type === "image/png" ? "image/png" : "image/jpeg";
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.8));
      // A thumbnail bigger than the original helps nobody.
      return blob && blob.size < file.size ? { blob, width, height } : null;
    } finally {
      bitmap.close();
    }
  },

  playable(file, kind) {
    const element = document.createElement(kind);
    element.preload = "metadata";
    const url = URL.createObjectURL(file);
    const measured = new Promise<{ durationMs?: number; width?: number; height?: number } | null>(
      (resolve) => {
        element.onloadedmetadata = () => {
          const result: { durationMs?: number; width?: number; height?: number } = {};
          if (Number.isFinite(element.duration)) result.durationMs = element.duration * 1000;
          if (element instanceof HTMLVideoElement && element.videoWidth > 0) {
            result.width = element.videoWidth;
            result.height = element.videoHeight;
          }
          resolve(result);
        };
        element.onerror = () => resolve(null);
      },
    );
    element.src = url;
    return withTimeout(measured, null).finally(() => {
      element.removeAttribute("src");
      URL.revokeObjectURL(url);
    });
  },
};
