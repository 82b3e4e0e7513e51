import type { UploadOpts, UploadResponse } from "matrix-js-sdk";
import { vi } from "vitest";

/** An upload the fake homeserver is receiving; the test decides how it goes. */
export type PendingUpload = {
  file: Blob;
  options: UploadOpts;
  /** The mxc URI it gets once finished. */
  mxc: string;
  /** Reports `loaded` bytes sent, as the SDK's progress handler does. */
  progress(loaded: number): void;
  finish(): void;
  fail(error: Error): void;
  /** Aborted by the client (Cancel). */
  aborted: boolean;
};

/**
 * Adds a controllable media upload API to a fake client: `uploadContent` stays pending until
 * the test finishes or fails it, reports progress on demand, and rejects like the SDK when its
 * AbortController fires. `getMediaConfig` reports `maxUploadSize` (null: the server says none).
 */
export function withUploads<C extends object>(client: C) {
  const uploads: PendingUpload[] = [];
  let next = 0;
  const api = {
    uploads,
    maxUploadSize: 50_000_000 as number | null,
    getMediaConfig: vi.fn(async (_authenticated?: boolean) => {
      const limit = extended.maxUploadSize;
      return limit === null ? {} : { "m.upload.size": limit };
    }),
    uploadContent: vi.fn(
      (file: Blob, options: UploadOpts = {}) =>
        new Promise<UploadResponse>((resolve, reject) => {
          next += 1;
          const upload: PendingUpload = {
            file,
            options,
            mxc: `mxc://example.org/upload${next}`,
            aborted: false,
            progress: (loaded) => options.progressHandler?.({ loaded, total: file.size }),
            finish: () => resolve({ content_uri: upload.mxc }),
            fail: reject,
          };
          options.abortController?.signal.addEventListener("abort", () => {
            upload.aborted = true;
            reject(new DOMException("The upload was aborted", "AbortError"));
          });
          uploads.push(upload);
        }),
    ),
  };
  const extended = Object.assign(client, api);
  return extended;
}
