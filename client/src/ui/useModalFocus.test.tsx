import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useRef, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "./Dialog";
import { type ModalFocusOptions, useModalFocus } from "./useModalFocus";

function Modal({
  onEscape,
  initial,
  empty = false,
}: {
  onEscape: () => void;
  initial?: "modal" | "second";
  empty?: boolean;
}) {
  const second = useRef<HTMLButtonElement>(null);
  const options: ModalFocusOptions = { onEscape };
  if (initial === "modal") options.initialFocus = "modal";
  if (initial === "second") options.initialFocus = second;
  const modal = useModalFocus<HTMLDivElement>(options);
  return (
    <div ref={modal.ref} role="dialog" aria-label="Modal" tabIndex={-1} onKeyDown={modal.onKeyDown}>
      {!empty && (
        <>
          <button type="button">First</button>
          <button type="button" ref={second}>
            Second
          </button>
          <a href="#last">Last</a>
        </>
      )}
    </div>
  );
}

/** A page with an opener button and a heading, the modal open while `open` is set. */
function Page(props: { initial?: "modal" | "second"; empty?: boolean; removeOpener?: boolean }) {
  const [open, setOpen] = useState(false);
  const onEscape = vi.fn(() => setOpen(false));
  return (
    <main>
      <h1 tabIndex={-1}>Page</h1>
      {!(open && props.removeOpener) && (
        <button type="button" onClick={() => setOpen(true)}>
          Open
        </button>
      )}
      {open && <Modal onEscape={onEscape} {...props} />}
    </main>
  );
}

describe("useModalFocus", () => {
  it("takes the focus, keeps Tab inside both ways, closes on Escape and returns the focus", async () => {
    const user = userEvent.setup();
    render(<Page />);
    const opener = screen.getByRole("button", { name: "Open" });
    await user.click(opener);

    expect(screen.getByRole("button", { name: "First" })).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(screen.getByRole("link", { name: "Last" })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("button", { name: "First" })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole("link", { name: "Last" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(opener).toHaveFocus();
  });

  it("can focus the modal itself, from where Shift+Tab goes to the last control", async () => {
    const user = userEvent.setup();
    render(<Page initial="modal" />);
    await user.click(screen.getByRole("button", { name: "Open" }));

    expect(screen.getByRole("dialog")).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole("link", { name: "Last" })).toHaveFocus();
  });

  it("can focus a given control, and keeps the focus when there is nothing to tab to", async () => {
    const user = userEvent.setup();
    const { unmount } = render(<Page initial="second" />);
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(screen.getByRole("button", { name: "Second" })).toHaveFocus();
    unmount();

    render(<Page empty />);
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(screen.getByRole("dialog")).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("dialog")).toHaveFocus();
  });

  it("gives the focus to the page heading when the opener is gone", async () => {
    const user = userEvent.setup();
    render(<Page removeOpener />);
    await user.click(screen.getByRole("button", { name: "Open" }));
    await user.keyboard("{Escape}");

    expect(screen.getByRole("heading", { name: "Page" })).toHaveFocus();
  });

  it("keeps Escape from the page behind", async () => {
    const user = userEvent.setup();
    const pageEscape = vi.fn();
    const onClose = vi.fn();
    render(
      // biome-ignore lint/a11y/noStaticElementInteractions: listens for the Escape it must not get.
      <div onKeyDown={(event) => event.key === "Escape" && pageEscape()}>
        <Dialog title="Leave the room?" onClose={onClose}>
          <input aria-label="Reason" />
        </Dialog>
      </div>,
    );

    expect(screen.getByRole("textbox", { name: "Reason" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledOnce();
    expect(pageEscape).not.toHaveBeenCalled();
  });
});
