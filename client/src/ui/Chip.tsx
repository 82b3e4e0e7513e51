import { useRef } from "react";

export type ChipProps = {
  label: string;
  /** Shown as a remove button named "Remove <label>". */
  onRemove?: () => void;
};

/** A short tag (a language, an interest), optionally removable. */
export function Chip({ label, onRemove }: ChipProps) {
  return (
    <span className="chip">
      <span className="chip__label">{label}</span>
      {onRemove && (
        <button
          type="button"
          className="chip__remove"
          aria-label={`Remove ${label}`}
          onClick={onRemove}
        >
          <span aria-hidden="true">×</span>
        </button>
      )}
    </span>
  );
}

export type ChipListProps = {
  /** Accessible name of the list, e.g. "Languages you speak". */
  label: string;
  items: ReadonlyArray<{ key: string; label: string }>;
  onRemove: (key: string) => void;
  /** Where the focus goes when the last chip is removed (usually the box that adds them). */
  onEmptied?: () => void;
};

/**
 * Removable chips. Removing one moves the focus to its neighbour's remove button, so keyboard
 * users can keep going without the focus falling back to the top of the page.
 */
export function ChipList({ label, items, onRemove, onEmptied }: ChipListProps) {
  const list = useRef<HTMLUListElement>(null);
  if (items.length === 0) return null;

  function remove(key: string, index: number) {
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>(".chip__remove");
    const neighbour = buttons?.[index + 1] ?? buttons?.[index - 1];
    onRemove(key);
    if (neighbour) neighbour.focus();
    else onEmptied?.();
  }

  return (
    <ul className="chip-list" aria-label={label} ref={list}>
      {items.map((item, index) => (
        <li key={item.key}>
          <Chip label={item.label} onRemove={() => remove(item.key, index)} />
        </li>
      ))}
    </ul>
  );
}
