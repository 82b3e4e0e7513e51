import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
} from "react";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { CorrectionView } from "../corrections";
import type { RecordingEnvironment } from "../media";
import { AttachmentButton, UploadRow, useFileDrop, VoiceRecorder } from "../media";
import type { ComposerMode } from "./composeMessage";
import { type ComposerOptions, useComposer } from "./useComposer";
import "./Composer.css";

export type ComposerProps = ComposerOptions & {
  /** Stand-ins for the browser's microphone and recorder (tests). */
  recordingEnvironment?: RecordingEnvironment;
};

/**
 * The message box of a room: Enter sends, Shift+Enter starts a new line; "@" suggests members to
 * mention; replies, edits and corrections; typing notifications. Sending goes through the SDK,
 * so the message shows at once as a local echo and, if it fails, stays in the timeline as not
 * sent (see PendingMessageActions); the outbox sends messages written offline on reconnect.
 * Files come from "Attach file", a paste or a drop anywhere on the page, and upload with
 * progress above the box; "Record voice message" records one. `useComposer` decides; this
 * renders.
 */
export function Composer({ recordingEnvironment, ...options }: ComposerProps) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const composer = useComposer(options);
  const { mode, text, error, suggestions, uploads, sendFiles } = composer;
  const dropping = useFileDrop(sendFiles);

  // A picked mention puts the caret after it, in the same commit, not a frame later, when the
  // person may already be typing again.
  useLayoutEffect(() => {
    const caret = composer.takeCaret();
    if (caret === null) return;
    textarea.current?.focus();
    textarea.current?.setSelectionRange(caret, caret);
  });

  // Entering a mode is a request to write: put the caret at the end of the text.
  const modeKey = mode.kind === "new" ? null : `${mode.kind}:${mode.target.eventId}`;
  useEffect(() => {
    if (modeKey === null) return;
    const input = textarea.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, [modeKey]);

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (composer.keyDown(event.key, event.shiftKey)) event.preventDefault();
  }

  function handlePaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    // A pasted screenshot is sent as an image, not pasted as its file name.
    event.preventDefault();
    sendFiles(files);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    composer.send();
  }

  const listboxId = `${id}-mentions`;
  const optionId = (index: number) => `${id}-mention-${index}`;
  const errorId = `${id}-error`;

  return (
    <form className={dropping ? "composer composer--dropping" : "composer"} onSubmit={handleSubmit}>
      <ModeBanner mode={mode} text={text} onCancel={composer.cancelMode} />
      {dropping && <p className="composer__drop-hint">Drop files to send them to this room</p>}
      {uploads.snapshot.uploads.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {uploads.snapshot.uploads.map((upload) => (
            <UploadRow
              key={upload.id}
              upload={upload}
              onCancel={(uploadId) => uploads.queue.cancel(uploadId)}
              onRetry={(uploadId) => uploads.queue.retry(uploadId)}
              onRemove={(uploadId) => uploads.queue.remove(uploadId)}
            />
          ))}
        </ul>
      )}
      {uploads.snapshot.refusal && (
        <div className="load-failed" role="alert">
          <p>{uploads.snapshot.refusal}</p>
          <Button variant="secondary" onClick={() => uploads.queue.dismissRefusal()}>
            OK
          </Button>
        </div>
      )}
      <div className="composer__row">
        <AttachmentButton onFiles={sendFiles} />
        <div className="composer__field">
          {suggestions && (
            // The text box keeps focus and points at the active option (aria-activedescendant),
            // the combobox pattern; options are focusable only for pointer users' sake.
            <div
              id={listboxId}
              className="mention-suggestions"
              role="listbox"
              aria-label="Mention suggestions"
            >
              {suggestions.options.map((option, index) => (
                <div
                  key={option.userId}
                  id={optionId(index)}
                  role="option"
                  tabIndex={-1}
                  aria-selected={index === suggestions.active}
                  className="mention-suggestions__option"
                  // Keep focus in the text box.
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => composer.choose(option)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter") composer.choose(option);
                  }}
                >
                  <Avatar name={option.displayName} size={24} />
                  <span className="mention-suggestions__name">{option.displayName}</span>
                  <span className="mention-suggestions__id">{option.userId}</span>
                </div>
              ))}
            </div>
          )}
          <textarea
            ref={textarea}
            className="field__input composer__input"
            aria-label="Message"
            aria-autocomplete="list"
            aria-controls={suggestions ? listboxId : undefined}
            aria-activedescendant={suggestions ? optionId(suggestions.active) : undefined}
            aria-describedby={error ? errorId : undefined}
            rows={1}
            placeholder="Write a message…"
            value={text}
            onChange={(event) =>
              composer.change(
                event.target.value,
                event.target.selectionStart ?? event.target.value.length,
              )
            }
            onKeyDown={handleKeyDown}
            onPaste={handlePaste}
            onBlur={composer.blur}
          />
        </div>
        <VoiceRecorder
          environment={recordingEnvironment}
          onSend={(clip) => void uploads.queue.addVoice(clip)}
        />
        <Button type="submit" disabled={!composer.canSend}>
          Send
        </Button>
      </div>
      <p id={errorId} className="field__error composer__error live-region" role="alert">
        {error}
      </p>
    </form>
  );
}

function ModeBanner({
  mode,
  text,
  onCancel,
}: {
  mode: ComposerMode;
  text: string;
  onCancel: () => void;
}) {
  if (mode.kind === "new") return null;
  const title =
    mode.kind === "reply"
      ? `Replying to ${mode.target.senderName}`
      : mode.kind === "edit"
        ? "Editing message"
        : `Correcting ${mode.target.senderName}'s message`;
  const cancelLabel =
    mode.kind === "reply"
      ? "Cancel reply"
      : mode.kind === "edit"
        ? "Cancel edit"
        : "Cancel correction";
  return (
    <div className={`composer__mode composer__mode--${mode.kind}`}>
      <div className="composer__mode-text">
        <p className="composer__mode-title">{title}</p>
        {mode.kind === "reply" && <p className="composer__quote">{mode.target.body}</p>}
        {mode.kind === "correction" && (
          <div className="composer__preview">
            <span className="visually-hidden">Your correction: </span>
            <CorrectionView original={mode.target.body} corrected={text.trim()} />
          </div>
        )}
      </div>
      <Button variant="link" className="composer__cancel" onClick={onCancel}>
        {cancelLabel}
      </Button>
    </div>
  );
}
