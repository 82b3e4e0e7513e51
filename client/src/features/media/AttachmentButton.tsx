import { useRef } from "react";
import { Button } from "../../ui/Button";

/** "Attach file": opens the browser's file picker and hands over what was picked. */
export function AttachmentButton({
  onFiles,
  disabled = false,
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <Button
        variant="secondary"
        className="composer__tool"
        aria-label="Attach file"
        title="Attach file"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <svg className="composer__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M21 11.5 12.5 20a5.5 5.5 0 0 1-7.8-7.8l8.9-8.9a3.7 3.7 0 0 1 5.2 5.2l-8.9 8.9a1.8 1.8 0 0 1-2.6-2.6L15.5 6.6" />
        </svg>
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to send"
        tabIndex={-1}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Picking the same file again must fire `change` again.
          event.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
