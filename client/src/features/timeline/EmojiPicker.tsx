import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { searchEmoji } from "./emoji";

export type EmojiPickerProps = {
  onPick: (emoji: string) => void;
  onClose: () => void;
};

/** A small popover of common emoji with a search field; Escape closes it. */
export function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const id = useId();
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);
  const choices = searchEmoji(query);

  useEffect(() => {
    search.current?.focus();
  }, []);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Choose a reaction"
      onKeyDown={handleKeyDown}
    >
      <label htmlFor={id} className="visually-hidden">
        Search emoji
      </label>
      <input
        id={id}
        ref={search}
        className="field__input emoji-picker__search"
        type="search"
        placeholder="Search emoji"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {choices.length === 0 ? (
        <p className="emoji-picker__empty">No emoji found</p>
      ) : (
        <div className="emoji-picker__grid">
          {choices.map((choice) => (
            <button
              key={choice.emoji}
              type="button"
              className="emoji-picker__choice"
              aria-label={choice.name}
              title={choice.name}
              onClick={() => onPick(choice.emoji)}
            >
              {choice.emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
