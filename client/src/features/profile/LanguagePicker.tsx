import { type KeyboardEvent, type Ref, useEffect, useMemo, useState } from "react";
import type { Language } from "../../api/partnerTypes";
import { FieldMessages, fieldClass, useFieldIds } from "../../ui/fieldParts";
import { searchLanguages } from "./languageNames";

export type LanguagePickerProps = {
  /** Visible label; also the combobox's accessible name. */
  label: string;
  languages: readonly Language[];
  /** Codes already chosen (here or in the other list), left out of the options. */
  exclude: ReadonlySet<string>;
  onPick: (code: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
};

/** How many options the list shows at once; typing narrows it down. */
const MAX_OPTIONS = 50;

/**
 * A language search box: type part of a name, pick from the list with the arrow keys and Enter
 * or with the pointer (the WAI-ARIA combobox pattern with a list popup). Picking empties the box
 * for the next one.
 */
export function LanguagePicker({
  label,
  languages,
  exclude,
  onPick,
  error,
  hint,
  disabled = false,
  inputRef,
}: LanguagePickerProps) {
  const { id, hintId, errorId, aria } = useFieldIds(hint, error);
  const listId = `${id}-options`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const matches = useMemo(
    () => searchLanguages(languages, query, exclude).slice(0, MAX_OPTIONS),
    [languages, query, exclude],
  );
  const activeIndex = Math.min(active, matches.length - 1);
  const activeOption = open && activeIndex >= 0 ? matches[activeIndex] : undefined;
  const optionId = (code: string) => `${id}-option-${code}`;

  useEffect(() => {
    if (!activeOption) return;
    // jsdom has no scrollIntoView.
    document.getElementById(optionId(activeOption.code))?.scrollIntoView?.({ block: "nearest" });
  });

  function pick(code: string) {
    onPick(code);
    setQuery("");
    setOpen(false);
    setActive(0);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else if (matches.length > 0) {
          setActive((activeIndex + 1) % matches.length);
        }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open && matches.length > 0) {
          setActive((activeIndex - 1 + matches.length) % matches.length);
        }
        break;
      case "Enter":
        // Enter in a search box chooses; it never submits the profile half-filled.
        if (open || query !== "") event.preventDefault();
        if (activeOption) pick(activeOption.code);
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else if (query !== "") {
          event.preventDefault();
          setQuery("");
        }
        break;
    }
  }

  return (
    <div className={fieldClass("field", error, "combobox")}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="combobox__control">
        <input
          ref={inputRef}
          id={id}
          className="field__input combobox__input"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          placeholder="Search languages"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeOption ? optionId(activeOption.code) : undefined}
          {...aria}
          disabled={disabled}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setOpen(event.target.value.trim() !== "");
            setActive(0);
          }}
          onKeyDown={handleKeyDown}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
        />
        <div className="combobox__popup" hidden={!open}>
          <div
            id={listId}
            role="listbox"
            aria-label="Matching languages"
            className="combobox__list"
          >
            {matches.map((language, index) => (
              // The keyboard stays on the input, which points at the active option
              // (aria-activedescendant); options are only clicked.
              // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keys
              <div
                key={language.code}
                id={optionId(language.code)}
                role="option"
                tabIndex={-1}
                aria-selected={index === activeIndex}
                className="combobox__option"
                // Keep the focus in the input while clicking.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(language.code)}
              >
                {language.name}
              </div>
            ))}
          </div>
          {matches.length === 0 && (
            <p className="combobox__empty">No language matches “{query.trim()}”.</p>
          )}
        </div>
      </div>
      <FieldMessages hint={hint} error={error} hintId={hintId} errorId={errorId} />
    </div>
  );
}
