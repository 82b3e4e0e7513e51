import { type ReactNode, useId } from "react";
import { useModalFocus } from "./useModalFocus";
import "./Dialog.css";

export type DialogProps = {
  title: string;
  /** Called on Escape. (Not on a click outside: that would lose what was typed.) */
  onClose: () => void;
  children: ReactNode;
};

/**
 * A modal dialog: takes the focus (its first field or button), keeps Tab inside, closes on
 * Escape, and gives the focus back to where it was when it closes (see `useModalFocus`).
 */
export function Dialog({ title, onClose, children }: DialogProps) {
  const id = useId();
  const modal = useModalFocus<HTMLDivElement>({ onEscape: onClose });

  return (
    <div className="dialog-backdrop">
      <div
        ref={modal.ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        tabIndex={-1}
        onKeyDown={modal.onKeyDown}
      >
        <h2 id={`${id}-title`} className="dialog__title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}
