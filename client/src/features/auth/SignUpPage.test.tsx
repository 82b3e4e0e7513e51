import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { USERNAME_SYMBOLS } from "./credentials";
import { SignUpPage, type SignUpPageProps } from "./SignUpPage";

function renderPage(props: SignUpPageProps = {}) {
  const user = userEvent.setup();
  const onSignUp = vi.fn();
  const view = render(<SignUpPage onSignUp={onSignUp} {...props} />);
  return { user, onSignUp, view };
}

const field = (label: string) => screen.getByLabelText(label);

async function fillIn(
  user: ReturnType<typeof userEvent.setup>,
  values: Partial<Record<string, string>>,
) {
  for (const [label, value] of Object.entries(values)) {
    if (value !== undefined) await user.type(field(label), value);
  }
}

describe("SignUpPage", () => {
  it("has labelled fields with the right autocomplete hints and a Create account button", () => {
    renderPage();

    expect(screen.getByRole("heading", { name: "Create your account" })).toBeInTheDocument();
    expect(field("Username")).toHaveAttribute("autocomplete", "username");
    expect(field("Display name")).toHaveAttribute("autocomplete", "nickname");
    expect(field("Password")).toHaveAttribute("type", "password");
    expect(field("Password")).toHaveAttribute("autocomplete", "new-password");
    expect(field("Confirm password")).toHaveAttribute("autocomplete", "new-password");
    expect(field("Username")).toHaveAccessibleDescription(
      `3–32 lower-case letters, digits or ${USERNAME_SYMBOLS}`,
    );
    expect(screen.getByRole("button", { name: "Create account" })).toHaveAttribute(
      "type",
      "submit",
    );
  });

  it("explains every missing field, focuses the first and does not submit", async () => {
    const { user, onSignUp } = renderPage();

    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(field("Username")).toHaveAttribute("aria-invalid", "true");
    expect(field("Username")).toHaveAccessibleDescription(/Choose a username/);
    expect(field("Display name")).toHaveAccessibleDescription(/Enter the name other learners/);
    expect(field("Password")).toHaveAccessibleDescription(/Choose a password/);
    expect(field("Confirm password")).toHaveAccessibleDescription("Type the password again");
    expect(field("Username")).toHaveFocus();
    expect(onSignUp).not.toHaveBeenCalled();
  });

  it.each([
    ["Ana", "Use lower-case letters only"],
    ["ana lima", `Use only lower-case letters, digits and ${USERNAME_SYMBOLS}`],
    ["an", "Use at least 3 characters"],
    ["a".repeat(33), "Use at most 32 characters"],
  ])("refuses the username %j: %s", async (username, message) => {
    const { user } = renderPage();

    await user.type(field("Username"), username);
    await user.tab();

    expect(field("Username")).toHaveAttribute("aria-invalid", "true");
    expect(field("Username")).toHaveAccessibleDescription(expect.stringContaining(message));
  });

  it("checks the password against the length rule and the username", async () => {
    const { user } = renderPage();
    await fillIn(user, { Username: "ana", Password: "short" });
    await user.tab();
    expect(field("Password")).toHaveAccessibleDescription(/Use at least 10 characters/);

    await user.clear(field("Password"));
    await user.type(field("Password"), "xxanaxxxxxxx");
    expect(field("Password")).toHaveAccessibleDescription(
      /Don't include your username in your password/,
    );

    await user.clear(field("Password"));
    await user.type(field("Password"), "tangerine-sky");
    expect(field("Password")).not.toHaveAttribute("aria-invalid");
  });

  it("says when the confirmation does not match", async () => {
    const { user, onSignUp } = renderPage();
    await fillIn(user, {
      Username: "ana",
      "Display name": "Ana",
      Password: "tangerine-sky",
      "Confirm password": "tangerine-skx",
    });

    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(field("Confirm password")).toHaveAccessibleDescription("The passwords don't match");
    expect(field("Confirm password")).toHaveFocus();
    expect(onSignUp).not.toHaveBeenCalled();
  });

  it("creates the account with the trimmed username and display name", async () => {
    const { user, onSignUp } = renderPage();
    await fillIn(user, {
      Username: " ana ",
      "Display name": " Ana Lima ",
      Password: "tangerine-sky",
      "Confirm password": "tangerine-sky{Enter}",
    });

    expect(onSignUp).toHaveBeenCalledWith({
      username: "ana",
      displayName: "Ana Lima",
      password: "tangerine-sky",
    });
    for (const input of screen.getAllByRole("textbox")) {
      expect(input).not.toHaveAttribute("aria-invalid");
    }
  });

  it("places server errors on the field they name and focuses it", () => {
    renderPage({
      fieldErrors: { username: "That username is taken. Try another one." },
      serverError: null,
    });

    expect(field("Username")).toHaveAttribute("aria-invalid", "true");
    expect(field("Username")).toHaveAccessibleDescription(
      expect.stringContaining("That username is taken. Try another one."),
    );
    expect(field("Username")).toHaveFocus();
    expect(field("Password")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("alert")).toBeEmptyDOMElement();
  });

  it("shows a password refusal under Password and other server errors in the alert", () => {
    renderPage({
      fieldErrors: { password: "This password is too common" },
      serverError: "Too many attempts. Try again in 30 seconds.",
    });

    expect(field("Password")).toHaveAccessibleDescription(/This password is too common/);
    expect(field("Username")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Too many attempts. Try again in 30 seconds.",
    );
  });

  it("tells the container when a field the server blamed is edited", async () => {
    const onFieldChange = vi.fn();
    const { user } = renderPage({ fieldErrors: { username: "Taken" }, onFieldChange });

    await user.type(field("Username"), "x");

    expect(onFieldChange).toHaveBeenCalledWith("username");
  });

  it("locks the form while the account is created", async () => {
    const { user, onSignUp } = renderPage({ pending: true });
    await fillIn(user, {
      Username: "ana",
      "Display name": "Ana",
      Password: "tangerine-sky",
      "Confirm password": "tangerine-sky{Enter}",
    });

    expect(screen.getByRole("button", { name: "Creating account…" })).toBeDisabled();
    expect(onSignUp).not.toHaveBeenCalled();
  });

  it("offers to sign in instead", async () => {
    const onSignIn = vi.fn();
    const { user } = renderPage({ onSignIn });

    await user.click(screen.getByRole("button", { name: "Sign in instead" }));

    expect(onSignIn).toHaveBeenCalledTimes(1);
  });
});

describe("SignUpPage checks on leaving a field", () => {
  it("judges a field when the person moves on to the next one", async () => {
    const user = userEvent.setup();
    render(<SignUpPage />);

    await user.type(screen.getByLabelText("Username"), "Ana");
    await user.tab();

    expect(screen.getByLabelText("Display name")).toHaveFocus();
    expect(screen.getByLabelText("Username")).toHaveAccessibleDescription(
      expect.stringContaining("Use lower-case letters only"),
    );
  });

  it("does not move the button away while it is being clicked", async () => {
    const user = userEvent.setup();
    const onSignUp = vi.fn();
    render(<SignUpPage onSignUp={onSignUp} />);
    await user.type(screen.getByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Display name"), "Ana");
    await user.type(screen.getByLabelText("Password"), "tangerine-sky");
    await user.type(screen.getByLabelText("Confirm password"), "tangerine-skx");

    // Focus leaves the last field for the button: no message yet, so nothing shifts.
    await user.tab();
    expect(screen.getByRole("button", { name: "Create account" })).toHaveFocus();
    expect(screen.getByLabelText("Confirm password")).not.toHaveAttribute("aria-invalid");

    await user.keyboard("{Enter}");
    expect(screen.getByLabelText("Confirm password")).toHaveAccessibleDescription(
      "The passwords don't match",
    );
    expect(onSignUp).not.toHaveBeenCalled();
  });
});
