import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ANA } from "../../test/fakeBridge";
import { SettingsPage, type SettingsPageProps } from "./SettingsPage";

function renderPage(props: Partial<SettingsPageProps> = {}) {
  const user = userEvent.setup();
  const onChangePassword = vi.fn(async () => true);
  render(<SettingsPage user={ANA} onChangePassword={onChangePassword} {...props} />);
  return { user, onChangePassword };
}

const field = (label: string) => screen.getByLabelText(label);

async function fillIn(user: ReturnType<typeof userEvent.setup>, current: string, next: string) {
  await user.type(field("Current password"), current);
  await user.type(field("New password"), next);
  await user.type(field("Confirm password"), next);
}

describe("SettingsPage", () => {
  it("shows the account and a labelled change-password form", () => {
    renderPage();

    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(screen.getByText("@ana:example.org")).toBeInTheDocument();
    expect(field("Current password")).toHaveAttribute("autocomplete", "current-password");
    expect(field("New password")).toHaveAttribute("autocomplete", "new-password");
    expect(field("Confirm password")).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Change password" })).toHaveAttribute(
      "type",
      "submit",
    );
  });

  it("changes the password, says so, and clears the form", async () => {
    const { user, onChangePassword } = renderPage();

    await fillIn(user, "old-password-1", "tangerine-sky");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    expect(onChangePassword).toHaveBeenCalledWith({
      currentPassword: "old-password-1",
      newPassword: "tangerine-sky",
    });
    expect(screen.getByRole("status")).toHaveTextContent(
      "Your password has been changed. You have been signed out on your other devices.",
    );
    expect(field("Current password")).toHaveValue("");
    expect(field("New password")).toHaveValue("");
  });

  it("keeps what was typed and shows no success when the server refuses", async () => {
    const { user } = renderPage({ onChangePassword: vi.fn(async () => false) });

    await fillIn(user, "wrong-password", "tangerine-sky");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    expect(screen.getByRole("status")).toBeEmptyDOMElement();
    expect(field("New password")).toHaveValue("tangerine-sky");
  });

  it("shows a wrong current password on the Current password field and focuses it", () => {
    renderPage({ fieldErrors: { currentPassword: "That isn't your current password" } });

    expect(field("Current password")).toHaveAttribute("aria-invalid", "true");
    expect(field("Current password")).toHaveAccessibleDescription(
      "That isn't your current password",
    );
    expect(field("Current password")).toHaveFocus();
    expect(field("New password")).not.toHaveAttribute("aria-invalid");
  });

  it("checks the new password before asking the server", async () => {
    const { user, onChangePassword } = renderPage();

    await user.type(field("Current password"), "old-password-1");
    await user.type(field("New password"), "ana-forever-1");
    await user.type(field("Confirm password"), "something-else");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    expect(field("New password")).toHaveAccessibleDescription(
      /Don't include your username in your password/,
    );
    expect(field("Confirm password")).toHaveAccessibleDescription("The passwords don't match");
    expect(field("New password")).toHaveFocus();
    expect(onChangePassword).not.toHaveBeenCalled();
  });

  it("also offers the read-receipt setting and the theme", () => {
    renderPage();

    expect(screen.getByRole("region", { name: "Chat privacy" })).toContainElement(
      screen.getByRole("checkbox", { name: "Send read receipts" }),
    );
    expect(screen.getByRole("region", { name: "Appearance" })).toContainElement(
      screen.getByRole("group", { name: "Theme" }),
    );
  });
});
