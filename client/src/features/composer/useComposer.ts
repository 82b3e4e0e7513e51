import type { MatrixClient, TimelineEvents } from "matrix-js-sdk";
import { useEffect, useMemo, useRef, useState } from "react";
import { findLocalEcho } from "../../matrix/pendingEvents";
import { describeError } from "../../ui/describeError";
import { useUploads } from "../media";
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

export type ComposerOptions = {
  client: MatrixClient;
  roomId: string;
  /** Reply mode: the message being replied to. */
  replyTo?: ReplyTarget | null | undefined;
  /** Edit mode: one of our messages; the box is prefilled with its text. */
  editing?: EditTarget | null | undefined;
  /** Correction mode: someone's message; the box is prefilled with its text to correct. */
  correcting?: CorrectionTarget | null | undefined;
  onCancelReply(): void;
  onCancelEdit(): void;
  onCancelCorrection(): void;
  /** Called once a message has been handed to the SDK (it shows as a local echo). */
  onSent?: (() => void) | undefined;
};

export type Suggestions = { at: MentionQuery; options: Mention[]; active: number };

function prefillOf(mode: ComposerMode): { key: string; text: string } | null {
  if (mode.kind === "edit") return { key: `edit:${mode.target.eventId}`, text: mode.target.body };
  if (mode.kind === "correction") {
    return { key: `correction:${mode.target.eventId}`, text: mode.target.body };
  }
  return null;
}

/**
 * What the message box decides: the text and its mentions, the draft kept aside while an edit
 * or correction fills the box, mention suggestions and the keys that move through them, typing
 * notices, and sending through the SDK (the message shows at once as a local echo; one that
 * fails stays in the timeline as not sent, so only a failure without an echo is reported here).
 * Files go to the room's upload queue. `Composer` renders it.
 */
export function useComposer({
  client,
  roomId,
  replyTo,
  editing,
  correcting,
  onCancelReply,
  onCancelEdit,
  onCancelCorrection,
  onSent,
}: ComposerOptions) {
  const [text, setText] = useState("");
  const [mentions, setMentions] = useState<Mention[]>([]);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Where the caret goes once the next value is rendered (after a picked mention).
  const caretAfterRender = useRef<number | null>(null);
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
  // Asked now, the crypto's "is this room encrypted?" is known before the first message is sent.
  useEffect(() => {
    client
      .getCrypto()
      ?.isEncryptionEnabledInRoom(roomId)
      .catch(() => undefined);
  }, [client, roomId]);
  const uploads = useUploads(client, roomId);
  const sendFiles = (files: File[]) => void uploads.queue.addFiles(files);

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
    setError(null);
    setText("");
    setMentions([]);
    setSuggestions(null);
    cancelMode();
    onSent?.();
    typing.stopAfter(deliver(composed.content, typed));
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

  /** The box's new text, with the caret where it is now. */
  function change(value: string, caret: number) {
    setText(value);
    if (error) setError(null);
    typing.typed(value);
    suggestAt(value, caret);
  }

  /**
   * A key pressed in the box (not while an input method composes): moves through suggestions,
   * picks one, sends, or leaves a reply, edit or correction. True when it did something, so the
   * key's default must not happen.
   */
  function keyDown(key: string, shiftKey: boolean): boolean {
    if (suggestions) {
      const count = suggestions.options.length;
      if (key === "ArrowDown" || key === "ArrowUp") {
        const step = key === "ArrowDown" ? 1 : -1;
        setSuggestions({ ...suggestions, active: (suggestions.active + step + count) % count });
        return true;
      }
      if ((key === "Enter" && !shiftKey) || key === "Tab") {
        const option = suggestions.options[suggestions.active];
        if (option) {
          choose(option);
          return true;
        }
      }
      if (key === "Escape") {
        setSuggestions(null);
        return true;
      }
    }
    if (key === "Enter" && !shiftKey) {
      send();
      return true;
    }
    if (key === "Escape" && mode.kind !== "new") {
      cancelMode();
      return true;
    }
    return false;
  }

  /** The box lost the focus: no longer typing, no suggestions. */
  function blur() {
    typing.stop();
    setSuggestions(null);
  }

  /** The caret position a picked mention asks for, once (null when there is none). */
  function takeCaret(): number | null {
    const caret = caretAfterRender.current;
    caretAfterRender.current = null;
    return caret;
  }

  return {
    mode,
    text,
    error,
    suggestions,
    uploads,
    canSend: text.trim() !== "",
    sendFiles,
    send,
    change,
    keyDown,
    choose,
    blur,
    cancelMode,
    takeCaret,
  };
}
