import { useState } from "react";
import type { FileBody } from "../../matrix/messageBody";
import { humanSize } from "../../ui/mediaFormat";
import { useMediaLoader } from "../../ui/useMediaUrl";
import "./media.css";

/** "PDF", "ZIP", "MP3": the kind of file, from its name or type. */
function fileKind(name: string, mimetype: string | null): string {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  if (extension) return extension.toUpperCase();
  const subtype = mimetype?.split("/")[1]?.split(/[;+.-]/)[0];
  return subtype ? subtype.toUpperCase() : "File";
}

/** Saves a blob under a name, as a download (never opened in the page). */
function saveAs(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A file in the timeline: its name, kind and size, and Download. The file is fetched (and
 * decrypted) only when asked for: it may be large.
 */
export function FileMessage({
  body,
}: {
  body: Pick<FileBody, "name" | "caption" | "media" | "mimetype" | "size">;
}) {
  const loader = useMediaLoader();
  const [state, setState] = useState<
    { status: "idle" | "downloading" } | { status: "failed"; error: string }
  >({
    status: "idle",
  });
  const details = [
    fileKind(body.name, body.mimetype),
    body.size === null ? null : humanSize(body.size),
  ]
    .filter(Boolean)
    .join(" · ");

  async function download() {
    if (!loader) return;
    setState({ status: "downloading" });
    try {
      // Served as opaque bytes whatever it claims to be: it is saved, never shown here.
      const blob = await loader.load({ kind: "download", media: body.media, mimetype: null });
      saveAs(blob, body.name);
      setState({ status: "idle" });
    } catch (error) {
      setState({ status: "failed", error: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="media-file">
      <span className="media-file__icon" aria-hidden="true">
        {fileKind(body.name, body.mimetype).slice(0, 4)}
      </span>
      <span className="media-file__text">
        <span className="media-file__name">{body.name}</span>
        <span className="media-file__details">{details}</span>
        {body.caption && <span className="media-caption">{body.caption}</span>}
        {state.status === "failed" && (
          <span className="media-file__error" role="alert">
            Couldn't download the file: {state.error}
          </span>
        )}
      </span>
      <button
        type="button"
        className="button button--secondary media-file__download"
        aria-label={`Download ${body.name}`}
        disabled={!loader || state.status === "downloading"}
        onClick={() => void download()}
      >
        {state.status === "downloading" ? "Downloading…" : "Download"}
      </button>
    </div>
  );
}
