import type { MatrixClient, TimelineEvents } from "matrix-js-sdk";
import {
  type ChangeEvent,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { CorrectionView } from "../corrections";
import type { RecordingEnvironment } from "../media";
import { AttachmentButton, UploadRow, useFileDrop, useUploads, VoiceRecorder } from "../media";
import {
  type ComposerMode,
  type CorrectionTarget,
  composeMessage,
  composerMode,
  type EditTarget,
  type OutgoingContent,
  type ReplyTarget,
} from "./composeMessage";
import { insertMention, type MentionQuery, mentionQueryAt, suggestMembers } from "./mentions";
import type { Mention } from "./messageContent";
import { useOutbox } from "./outbox";
import { TYPING_TIMEOUT_MS, TypingNotifier } from "./TypingNotifier";
import "./Composer.css";
import { findLocalEcho } from "../../matrix/pendingEvents";
import { describeError } from "../../ui/describeError";

export type ComposerProps = {
  client: MatrixClient;
  roomId: string;
  /** Reply mode: the message being replied to. */
  replyTo?: ReplyTarget | null;
  /** Edit mode: one of our messages; the box is prefilled with its text. */
  editing?: EditTarget | null;
  /** Correction mode: someone's message; the box is prefilled with its text to correct. */
  correcting?: CorrectionTarget | null;
  onCancelReply(): void;
  onCancelEdit(): void;
  onCancelCorrection(): void;
  /** Called once a message has been handed to the SDK (it shows as a local echo). */
  onSent?(): void;
  /** Stand-ins for the browser's microphone and recorder (tests). */
  recordingEnvironment?: RecordingEnvironment;
};

type Suggestions = { at: MentionQuery; options: Mention[]; active: number };

function prefillOf(mode: ComposerMode): { key: string; text: string } | null {
  if (mode.kind === "edit") return { key: `edit:${mode.target.eventId}`, text: mode.target.body };
  if (mode.kind === "correction") {
    return { key: `correction:${mode.target.eventId}`, text: mode.target.body };
  }
  return null;
}

/**
 * The message box of a room: Enter sends, Shift+Enter starts a new line; "@" suggests members to
 * mention; replies, edits and corrections; typing notifications. Sending goes through the SDK,
 * so the message shows at once as a local echo and, if it fails, stays in the timeline as not
 * sent (see PendingMessageActions); the outbox sends messages written offline on reconnect.
 * Files come from "Attach file", a paste or a drop anywhere on the page, and upload with
 * progress above the box; "Record voice message" records one.
 */
export function Composer({
  client,
  roomId,
  replyTo,
  editing,
  correcting,
  onCancelReply,
  onCancelEdit,
  onCancelCorrection,
  onSent,
  recordingEnvironment,
}: ComposerProps) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes once the next value is rendered (after a picked mention). Set in the
  // same commit, not a frame later, when the person may already be typing again.
  const caretAfterRender = useRef<number | null>(null);
  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null) return;
    caretAfterRender.current = null;
    textarea.current?.focus();
    textarea.current?.setSelectionRange(caret, caret);
  });
  const [text, setText] = useState("");
  const [mentions, setMentions] = useState<Mention[]>([]);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mode = composerMode(replyTo, editing, correcting);

  // An edit or correction fills the box with the message's text; what was being written before
  // is kept aside and comes back afterwards. (State adjusted during render, as React advises for
  // state that follows props.)
  const prefill = prefillOf(mode);
  const [prefilledKey, setPrefilledKey] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ text: string; mentions: Mention[] } | null>(null);
  if ((prefill?.key ?? null) !== prefilledKey) {
    setPrefilledKey(prefill?.key ?? null);
    setSuggestions(null);
    setError(null);
    if (prefill) {
      if (draft === null) setDraft({ text, mentions });
      setText(prefill.text);
      setMentions([]);
    } else if (draft) {
      setText(draft.text);
      setMentions(draft.mentions);
      setDraft(null);
    }
  }

  const typing = useMemo(
    () =>
      new TypingNotifier((isTyping) => {
        client.sendTyping(roomId, isTyping, TYPING_TIMEOUT_MS).catch(() => undefined);
      }),
    [client, roomId],
  );
  useEffect(() => () => typing.stop(), [typing]);
  useOutbox(client);
  const uploads = useUploads(client, roomId);
  const sendFiles = (files: File[]) => void uploads.queue.addFiles(files);
  const dropping = useFileDrop(sendFiles);

  // Entering a mode is a request to write: put the caret at the end of the text.
  const modeKey = mode.kind === "new" ? null : `${mode.kind}:${mode.target.eventId}`;
  useEffect(() => {
    if (modeKey === null) return;
    const input = textarea.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, [modeKey]);

  function cancelMode() {
    if (mode.kind === "edit") onCancelEdit();
    else if (mode.kind === "correction") onCancelCorrection();
    else if (mode.kind === "reply") onCancelReply();
  }

  async function deliver(content: OutgoingContent, typed: string) {
    const txnId = client.makeTxnId();
    try {
      // Corrections are m.room.message events with a custom relation the SDK's types do not know.
      await client.sendMessage(
        roomId,
        content as unknown as TimelineEvents["m.room.message"],
        txnId,
      );
    } catch (cause) {
      // A local echo marked "not sent" stays in the timeline with Retry; nothing to do here.
      if (findLocalEcho(client.getRoom(roomId), txnId)) return;
      setError(`Couldn't send your message: ${describeError(cause)}`);
      setText((current) => (current === "" ? typed : current));
    }
  }

  function send() {
    const composed = composeMessage(
      text,
      mentions,
      mode,
      client.getRoom(roomId),
      client.getUserId(),
    );
    if (composed.outcome === "invalid") {
      setError(composed.problem);
      return;
    }
    if (composed.outcome === "nothing") {
      // An edit that changed nothing is simply finished.
      if (mode.kind === "edit" && text.trim() !== "") onCancelEdit();
      return;
    }
    const typed = text;
    typing.stop();
    setError(null);
    setText("");
    setMentions([]);
    setSuggestions(null);
    cancelMode();
    onSent?.();
    void deliver(composed.content, typed);
  }

  function suggestAt(value: string, caret: number) {
    const at = mentionQueryAt(value, caret);
    const room = client.getRoom(roomId);
    if (!at || !room) {
      setSuggestions(null);
      return;
    }
    const members = room
      .getJoinedMembers()
      .map((member) => ({ userId: member.userId, displayName: member.name || member.userId }));
    const options = suggestMembers(members, at.query, client.getUserId());
    setSuggestions(options.length > 0 ? { at, options, active: 0 } : null);
  }

  function choose(mention: Mention) {
    if (!suggestions) return;
    const result = insertMention(text, suggestions.at, mention.displayName);
    setText(result.text);
    setMentions((current) =>
      current.some((m) => m.userId === mention.userId) ? current : [...current, mention],
    );
    setSuggestions(null);
    typing.typed(result.text);
    caretAfterRender.current = result.caret;
  }

  function handleChange(event: ChangeEvent<HTMLTextAreaElement>) {
    const value = event.target.value;
    setText(value);
    if (error) setError(null);
    typing.typed(value);
    suggestAt(value, event.target.selectionStart ?? value.length);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (suggestions) {
      const count = suggestions.options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setSuggestions({ ...suggestions, active: (suggestions.active + step + count) % count });
        return;
      }
      if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
        const option = suggestions.options[suggestions.active];
        if (option) {
          event.preventDefault();
          choose(option);
          return;
        }
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setSuggestions(null);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" && mode.kind !== "new") {
      event.preventDefault();
      cancelMode();
    }
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
    send();
  }

  const listboxId = `${id}-mentions`;
  const optionId = (index: number) => `${id}-mention-${index}`;
  const errorId = `${id}-error`;

  return (
    <form className={dropping ? "composer composer--dropping" : "composer"} onSubmit={handleSubmit}>
      <ModeBanner mode={mode} text={text} onCancel={cancelMode} />
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
                  onClick={() => choose(option)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter") choose(option);
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
            onChange={handleChange}
            onKeyDown={handleKeyDown}
            onPaste={handlePaste}
            onBlur={() => {
              typing.stop();
              setSuggestions(null);
            }}
          />
        </div>
        <VoiceRecorder
          environment={recordingEnvironment}
          onSend={(clip) => void uploads.queue.addVoice(clip)}
        />
        <Button type="submit" disabled={text.trim() === ""}>
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
