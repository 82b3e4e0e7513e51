import { Button } from "../../ui/Button";
import { humanSize } from "../../ui/mediaFormat";
import type { UploadItem } from "./UploadQueue";
import "./media.css";

export type UploadRowProps = {
  upload: UploadItem;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
};

/** One file being sent: its progress and Cancel; or, when it failed, why, Retry and Remove. */
export function UploadRow({ upload, onCancel, onRetry, onRemove }: UploadRowProps) {
  const failed = upload.status === "failed";
  return (
    <li
      className={failed ? "upload-row upload-row--failed" : "upload-row"}
      aria-label={`Upload of ${upload.name}`}
    >
      <span className="upload-row__name">{upload.name}</span>
      {failed ? (
        <>
          <span className="upload-row__error" role="alert">
            Not sent: {upload.error}
          </span>
          <span className="upload-row__actions">
            <Button
              variant="link"
              onClick={() => onRetry(upload.id)}
              aria-label={`Retry ${upload.name}`}
            >
              Retry
            </Button>
            <Button
              variant="link"
              onClick={() => onRemove(upload.id)}
              aria-label={`Remove ${upload.name}`}
            >
              Remove
            </Button>
          </span>
        </>
      ) : (
        <>
          <span
            className="upload-row__bar"
            role="progressbar"
            aria-label={`Uploading ${upload.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={upload.percent}
            aria-valuetext={
              upload.status === "preparing"
                ? "Preparing"
                : `${upload.percent}% of ${humanSize(upload.total)}`
            }
          >
            <span className="upload-row__fill" style={{ width: `${upload.percent}%` }} />
          </span>
          <span className="upload-row__percent" aria-hidden="true">
            {upload.status === "preparing" ? "…" : `${upload.percent}%`}
          </span>
          <Button
            variant="link"
            onClick={() => onCancel(upload.id)}
            aria-label={`Cancel upload of ${upload.name}`}
          >
            Cancel
          </Button>
        </>
      )}
    </li>
  );
}
