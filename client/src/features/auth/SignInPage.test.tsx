import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SignInPage } from "./SignInPage";

function renderPage(props: Parameters<typeof SignInPage>[0] = {}) {
  const user = userEvent.setup();
  const onSignIn = vi.fn();
  render(<SignInPage onSignIn={onSignIn} {...props} />);
  return { user, onSignIn };
}

describe("SignInPage", () => {
  it("shows the product, a tagline and the labelled sign-in fields", () => {
    renderPage();

    expect(screen.getByRole("heading", { level: 1, name: "Xstream" })).toBeInTheDocument();
    expect(screen.getByText(/teach yours, learn theirs/i)).toBeInTheDocument();

    const username = screen.getByLabelText("Username");
    expect(username).toHaveAttribute("autocomplete", "username");
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAttribute("type", "password");
    expect(password).toHaveAttribute("autocomplete", "current-password");

    expect(screen.getByRole("button", { name: "Sign in" })).toHaveAttribute("type", "submit");
    expect(screen.getByRole("button", { name: "Create an account" })).toBeInTheDocument();
  });

  it("says someone is signing in once they type a password, not for a username", async () => {
    const onSigningIn = vi.fn();
    const { user } = renderPage({ onSigningIn });

    await user.type(screen.getByLabelText("Username"), "ana");
    expect(onSigningIn).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText("Password"), "s");
    expect(onSigningIn).toHaveBeenCalled();
  });

  it("has an empty alert region for server errors", () => {
    renderPage();

    expect(screen.getByRole("alert")).toBeEmptyDOMElement();
  });

  it("shows a server error in the alert region", () => {
    renderPage({ serverError: "Wrong username or password" });

    expect(screen.getByRole("alert")).toHaveTextContent("Wrong username or password");
  });

  it("explains both missing fields inline and does not sign in when submitted empty", async () => {
    const { user, onSignIn } = renderPage();

    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const username = screen.getByLabelText("Username");
    const password = screen.getByLabelText("Password");
    expect(username).toHaveAttribute("aria-invalid", "true");
    expect(username).toHaveAccessibleDescription("Enter your username");
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription("Enter your password");
    expect(username).toHaveFocus();
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it("asks only for the password when the username is filled in", async () => {
    const { user, onSignIn } = renderPage();

    await user.type(screen.getByLabelText("Username"), "ana{Enter}");

    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByText("Enter your username")).not.toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveFocus();
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it("clears a field's message once the user types into it", async () => {
    const { user } = renderPage();

    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await user.type(screen.getByLabelText("Username"), "a");

    expect(screen.queryByText("Enter your username")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
  });

  it("signs in with the typed username and password when Enter is pressed", async () => {
    const { user, onSignIn } = renderPage();

    await user.type(screen.getByLabelText("Username"), "  ana ");
    await user.type(screen.getByLabelText("Password"), "correct horse{Enter}");

    expect(onSignIn).toHaveBeenCalledTimes(1);
    expect(onSignIn).toHaveBeenCalledWith({ username: "ana", password: "correct horse" });
    expect(screen.queryByText(/Enter your/)).not.toBeInTheDocument();
  });

  it("locks the form while signing in", async () => {
    const { user, onSignIn } = renderPage({ pending: true });

    await user.type(screen.getByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Password"), "pw{Enter}");

    expect(screen.getByRole("button", { name: "Signing in…" })).toBeDisabled();
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it("lets the user switch to creating an account", async () => {
    const onCreateAccount = vi.fn();
    const { user } = renderPage({ onCreateAccount });

    await user.click(screen.getByRole("button", { name: "Create an account" }));

    expect(onCreateAccount).toHaveBeenCalledTimes(1);
  });

  it("works without any handlers", async () => {
    const user = userEvent.setup();
    render(<SignInPage />);

    await user.type(screen.getByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Password"), "pw{Enter}");
    await user.click(screen.getByRole("button", { name: "Create an account" }));

    expect(screen.getByRole("heading", { level: 1, name: "Xstream" })).toBeInTheDocument();
  });
});

describe("SignInPage messages from the app and the server", () => {
  it("explains why the person is here without calling it an error", () => {
    render(<SignInPage notice="Your session has ended. Please sign in again." />);

    expect(screen.getByRole("status")).toHaveTextContent(
      "Your session has ended. Please sign in again.",
    );
    expect(screen.getByRole("alert")).toBeEmptyDOMElement();
  });

  it("shows a server message for a field under that field and focuses it", () => {
    render(<SignInPage fieldErrors={{ username: "Usernames are lower-case" }} />);

    const username = screen.getByLabelText("Username");
    expect(username).toHaveAttribute("aria-invalid", "true");
    expect(username).toHaveAccessibleDescription("Usernames are lower-case");
    expect(username).toHaveFocus();
  });
});
